/* test_recommend: the top-N engine, the writers and the title reader on a
 * hand-made factor model whose answers are worked out below. */
#include <stdint.h>
#include <unistd.h>
#include "tap.h"
#include "format/csr.h"
#include "format/bundle.h"
#include "format/idmap_block.h"
#include "prep/ratings.h"
#include "score/recommend.h"
#include "score/listwrite.h"
#include "common/json.h"
#include "score/scorer.h"
#include "prep/titles.h"

/* Users u0..u4 with 2 factors, items i0..i5:
 *   P = u0 (1,0)  u1 (0,1)  u2 (1,1)  u3 (2,-1)  u4 (0,0)
 *   Q = i0 (1,0)  i1 (0,1)  i2 (.5,.5)  i3 (3,0)  i4 (0,2)  i5 (-1,-1)
 * Training: u0 {i3}, u1 {i1,i4}, u2 {i0}, u3 {i0,i3}, u4 {i5}. */
static const char *const train_pairs[][2] = {
    { "u0", "i3" }, { "u1", "i1" }, { "u1", "i4" }, { "u2", "i0" },
    { "u3", "i0" }, { "u3", "i3" }, { "u4", "i5" }, { "u4", "i0" } };
static const float P[] = { 1, 0, 0, 1, 1, 1, 2, -1, 0, 0 };
static const float Q[] = { 1, 0, 0, 1, .5f, .5f, 3, 0, 0, 2, -1, -1 };

/* Worked by hand, N = 3, training items left out; equal scores go to the
 * smaller item index (u0: i1 and i4 both 0; u4 scores all 0). */
static const char want_all[] =
    "u0\t1\ti0\t1\nu0\t2\ti2\t0.5\nu0\t3\ti1\t0\n"
    "u1\t1\ti2\t0.5\nu1\t2\ti0\t0\nu1\t3\ti3\t0\n"
    "u2\t1\ti3\t3\nu2\t2\ti4\t2\nu2\t3\ti1\t1\n"
    "u3\t1\ti2\t0.5\nu3\t2\ti1\t-1\nu3\t3\ti5\t-1\n"
    "u4\t1\ti1\t0\nu4\t2\ti2\t0\nu4\t3\ti3\t0\n";

static rs_ratings rt;

static void *copy_of(const void *p, size_t n) { void *q = malloc(n); memcpy(q, p, n); return q; }

static const char *item_ids[] = { "i0", "i1", "i2", "i3", "i4", "i5" };
static const char *user_ids[] = { "u0", "u1", "u2", "u3", "u4" };

/* The matrix, id maps and factors in a bundle, as rs-svd would write them. */
static void make_model(rs_bundle *b)
{
    rs_ratings_init(&rt);
    /* Intern in order first, so i2 (nobody's) is an item and ids are 0..5. */
    for (int k = 0; k < 5; k++) rs_idmap_intern(rt.users, user_ids[k], 2);
    for (int k = 0; k < 6; k++) rs_idmap_intern(rt.items, item_ids[k], 2);
    for (size_t k = 0; k < sizeof train_pairs / sizeof train_pairs[0]; k++)
        rs_ratings_add(&rt, (uint32_t)rs_idmap_find(rt.users, train_pairs[k][0], 2),
                       (uint32_t)rs_idmap_find(rt.items, train_pairs[k][1], 2), 1, 0);
    rs_csr m;
    memset(b, 0, sizeof *b);
    rs_csr_from_ratings(&m, &rt);
    rs_csr_put(&m, b, 1);
    rs_csr_free(&m);
    rs_idmap_put(rt.users, b, "users");
    rs_idmap_put(rt.items, b, "items");
    rs_bundle_put(b, "user_factors", RS_F32, 5, 2, copy_of(P, sizeof P), 1);
    rs_bundle_put(b, "item_factors", RS_F32, 6, 2, copy_of(Q, sizeof Q), 1);
    rs_meta_set(b, "model", "svd");
}

typedef struct run_out { char *text; size_t len; } run_out;

static int users_text(rs_scorer *s, const uint32_t *u, size_t nu, size_t n, int threads,
                      size_t block, int exclude, int format, const char *const *qname,
                      const char *const *iname, run_out *r)
{
    rs_rec_opts o = { .n = n, .exclude_seen = exclude, .threads = threads, .block = block };
    rs_listwrite w = { .format = format, .key = "user", .prefix = "p:", .qname = qname,
                      .iname = iname };
    FILE *f = open_memstream(&r->text, &r->len);
    rs_err e = { 0 };
    int rc = rs_recommend_users(s, u, nu, &o, rs_listwrite_emit, &w, f, &e);
    fclose(f);
    return rc;
}

static int failing_emit(void *ctx, FILE *f, size_t q, const uint32_t *items,
                        const float *scores, size_t n, rs_err *e)
{
    return q == 3 ? rs_errf(e, RS_EDATA, "boom at %zu", q) : 0;
}

static char *write_tmp(const char *content, size_t len)
{
    char *path = strdup("/tmp/rs-test-titles-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, content, len) != (ssize_t)len) abort();
    close(fd);
    return path;
}

int main(void)
{
    tap t = { 0 };
    rs_bundle b;
    rs_err e = { 0 };
    make_model(&b);

    rs_scorer *s = rs_scorer_open(&b, &e);
    OK(&t, s != NULL, "factor model opens%s%s", s ? "" : ": ", s ? "" : e.msg);
    if (!s) return tap_done(&t);
    OK(&t, strcmp(rs_scorer_kind(s), "svd") == 0 && rs_scorer_nitems(s) == 6, "kind and size");

    run_out r = { 0 };
    OK(&t, users_text(s, NULL, 0, 3, 1, 0, 1, RS_LISTFMT_TSV, user_ids, item_ids, &r) == 0, "all users");
    OK(&t, r.len == strlen(want_all) && memcmp(r.text, want_all, r.len) == 0,
       "all users: exact top-3, training items left out, ties to the smaller index");
    if (!(r.len == strlen(want_all) && memcmp(r.text, want_all, r.len) == 0))
        printf("# got:\n%.*s", (int)r.len, r.text);

    int same = 1;
    for (int th = 1; th <= 4; th++)
        for (size_t blk = 1; blk <= 6; blk++) {
            run_out x = { 0 };
            same &= users_text(s, NULL, 0, 3, th, blk, 1, RS_LISTFMT_TSV, user_ids, item_ids, &x) == 0 &&
                    x.len == r.len && memcmp(x.text, r.text, r.len) == 0;
            free(x.text);
        }
    OK(&t, same, "threads 1..4 x blocks 1..6: byte-identical output");

    uint32_t some[] = { 3, 0 };
    const char *some_names[] = { "u3", "u0" };
    run_out x = { 0 };
    users_text(s, some, 2, 3, 2, 0, 1, RS_LISTFMT_TSV, some_names, item_ids, &x);
    const char *u3 = strstr(want_all, "u3\t1"), *u4 = strstr(want_all, "u4\t1");
    char want_some[512];
    snprintf(want_some, sizeof want_some, "%.*s%.*s", (int)(u4 - u3), u3,
             (int)(strstr(want_all, "u1\t1") - want_all), want_all);
    OK(&t, x.len == strlen(want_some) && memcmp(x.text, want_some, x.len) == 0,
       "a list of users: their rows of the all-users output, in the order asked");
    free(x.text);

    x = (run_out){ 0 };
    users_text(s, some + 1, 1, 2, 1, 0, 0, RS_LISTFMT_TSV, some_names + 1, item_ids, &x);
    OK(&t, x.text && strcmp(x.text, "u0\t1\ti3\t3\nu0\t2\ti0\t1\n") == 0,
       "include seen: u0's own i3 comes first");
    free(x.text);

    x = (run_out){ 0 };
    users_text(s, NULL, 0, 100, 1, 0, 1, RS_LISTFMT_TSV, user_ids, item_ids, &x);
    size_t lines = 0;
    for (size_t k = 0; k < x.len; k++) lines += x.text[k] == '\n';
    OK(&t, lines == 5 * 6 - 8, "N beyond the catalogue: every unseen item once (%zu lines)", lines);
    free(x.text);

    x = (run_out){ 0 };
    uint32_t u0 = 0;
    users_text(s, &u0, 1, 2, 1, 0, 1, RS_LISTFMT_JSONL, user_ids, item_ids, &x);
    OK(&t, x.text && strcmp(x.text, "{\"user\":\"u0\",\"items\":[\"i0\",\"i2\"],\"scores\":[1,0.5]}\n") == 0,
       "jsonl line");
    free(x.text);

    x = (run_out){ 0 };
    users_text(s, &u0, 1, 2, 1, 0, 1, RS_LISTFMT_REDIS, user_ids, item_ids, &x);
    const char want_redis[] = "*2\r\n$3\r\nDEL\r\n$4\r\np:u0\r\n"
                              "*4\r\n$5\r\nRPUSH\r\n$4\r\np:u0\r\n$2\r\ni0\r\n$2\r\ni2\r\n";
    OK(&t, x.text && strcmp(x.text, want_redis) == 0, "redis commands");
    free(x.text);

    /* Errors in a worker reach the caller, whatever the thread count. */
    for (int th = 1; th <= 3; th += 2) {
        rs_rec_opts o = { .n = 2, .exclude_seen = 1, .threads = th, .block = 1 };
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        rs_err e2 = { 0 };
        int rc = rs_recommend_users(s, NULL, 0, &o, failing_emit, NULL, f, &e2);
        fclose(f);
        free(buf);
        OK(&t, rc < 0 && strstr(e2.msg, "boom at 3"), "an emit error stops the run (%d threads)", th);
    }

    /* Similar items: cosine over Q.  i0 = (1,0): i3 1, i2 0.70710677, then
     * i1 and i4 at 0 (i1 first), never i0 itself. */
    {
        rs_rec_opts o = { .n = 3, .exclude_seen = 1, .threads = 1 };
        const char *qn[] = { "i0" };
        rs_listwrite w = { .format = RS_LISTFMT_TSV, .qname = qn, .iname = item_ids };
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        uint32_t i0 = 0;
        int rc = rs_recommend_similar(s, &i0, 1, &o, rs_listwrite_emit, &w, f, &e);
        fclose(f);
        OK(&t, rc == 0 && strcmp(buf, "i0\t1\ti3\t1\ni0\t2\ti2\t0.70710677\ni0\t3\ti1\t0\n") == 0,
           "similar items by cosine");
        free(buf);
    }

    /* History of a new user: {i0, i3} both liked; her items are left out. */
    {
        rs_ratings h;
        rs_ratings_init(&h);
        rs_ratings_add(&h, rs_idmap_intern(h.users, "new", 3), rs_idmap_intern(h.items, "i0", 2), 1, 0);
        rs_ratings_add(&h, 0, rs_idmap_intern(h.items, "zz", 2), 1, 0);
        rs_ratings_add(&h, 0, rs_idmap_intern(h.items, "i3", 2), 1, 0);
        rs_csr hm;
        uint64_t unknown;
        rs_history_matrix(&h, rt.items, &hm, &unknown);
        OK(&t, unknown == 1 && hm.rows == 1 && hm.nnz == 2 && hm.indices[0] == 0 &&
           hm.indices[1] == 3, "history matrix: model indices, unknown items counted");
        rs_rec_opts o = { .n = 6, .exclude_seen = 1, .threads = 2 };
        const char *qn[] = { "new" };
        rs_listwrite w = { .format = RS_LISTFMT_TSV, .qname = qn, .iname = item_ids };
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        int rc = rs_recommend_history(s, &hm, &o, rs_listwrite_emit, &w, f, &e);
        fclose(f);
        lines = 0;
        for (size_t k = 0; k < len; k++) lines += buf[k] == '\n';
        OK(&t, rc == 0 && lines == 4 && !strstr(buf, "\ti0\t") && !strstr(buf, "\ti3\t"),
           "history: 4 lists entries, her own items left out");
        rs_csr_free(&hm);
        rs_ratings_free(&h);
        free(buf);
    }

    /* Predictions: known pairs are P.Q; an unknown user or item gives the
     * biases alone (0 here). */
    {
        rs_ratings p;
        rs_ratings_init(&p);
        rs_ratings_add(&p, rs_idmap_intern(p.users, "u3", 2), rs_idmap_intern(p.items, "i3", 2), 0, 0);
        rs_ratings_add(&p, rs_idmap_intern(p.users, "who", 3), 0, 0, 0);
        rs_ratings_add(&p, 0, rs_idmap_intern(p.items, "what", 4), 0, 0);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        uint64_t uu, ui;
        int rc = rs_recommend_predict(s, rt.users, rt.items, &p, f, &uu, &ui, &e);
        fclose(f);
        OK(&t, rc == 0 && strcmp(buf, "u3\ti3\t6\nwho\ti3\t0\nu3\twhat\t0\n") == 0 && uu == 1 && ui == 1,
           "predict: P.Q for known pairs, biases for unknown ids");
        free(buf);
        rs_ratings_free(&p);
    }
    rs_scorer_close(s);

    /* Popularity on the same bundle: i0 3 users, i3 2, i1 i4 i5 1, i2 0. */
    s = rs_scorer_open_kind(&b, "popular", &e);
    OK(&t, s && strcmp(rs_scorer_kind(s), "popular") == 0, "popular on a factor bundle");
    x = (run_out){ 0 };
    users_text(s, &u0, 1, 3, 1, 0, 1, RS_LISTFMT_TSV, user_ids, item_ids, &x);
    OK(&t, x.text && strcmp(x.text, "u0\t1\ti0\t3\nu0\t2\ti1\t1\nu0\t3\ti4\t1\n") == 0,
       "popular: counts of training users, ties to the smaller index");
    free(x.text);
    rs_scorer_close(s);
    OK(&t, rs_scorer_open_kind(&b, "nonsense", &e) == NULL && strstr(e.msg, "unknown model kind"),
       "unknown kind is an error naming it");

    /* JSON strings: quotes, backslashes, control bytes, valid and invalid UTF-8. */
    {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        rs_json j;
        rs_json_init_file(&j, f, 0);
        rs_json_string(&j, "a\"b\\c\x01\t\xc3\xa9\xff");
        fclose(f);
        OK(&t, strcmp(buf, "\"a\\\"b\\\\c\\u0001\\u0009\xc3\xa9\\ufffd\"") == 0, "JSON escaping");
        free(buf);
    }

    /* Titles: movies.csv with a quoted comma, u.item in Latin-1, TSV. */
    {
        uint32_t matched;
        const char csv[] = "movieId,title,genres\ni0,\"American President, The (1995)\",Comedy\n"
                           "i3,Heat (1995),Action\nnope,Nope,Drama\n";
        char *path = write_tmp(csv, sizeof csv - 1);
        char **tt = rs_titles_read(path, rt.items, &matched, &e);
        OK(&t, tt && matched == 2 && strcmp(tt[0], "American President, The (1995)") == 0 &&
           strcmp(tt[3], "Heat (1995)") == 0 && tt[1] == NULL, "titles from CSV, quoted commas");
        rs_titles_free(tt, 6);
        unlink(path);
        free(path);
        const char uitem[] = "i1|Mis\xe9rables, Les (1995)|01-Jan-1995||http://x|0|1\n"
                             "i2|Caf\xc3\xa9 (2000)|01-Jan-2000||http://y|1|0\n";
        path = write_tmp(uitem, sizeof uitem - 1);
        tt = rs_titles_read(path, rt.items, &matched, &e);
        OK(&t, tt && matched == 2 && strcmp(tt[1], "Mis\xc3\xa9rables, Les (1995)") == 0 &&
           strcmp(tt[2], "Caf\xc3\xa9 (2000)") == 0, "titles from u.item: Latin-1 to UTF-8, UTF-8 kept");
        rs_titles_free(tt, 6);
        unlink(path);
        free(path);
        const char tsv[] = "i4\tFour\tx\ni5\tFive\n";
        path = write_tmp(tsv, sizeof tsv - 1);
        tt = rs_titles_read(path, rt.items, &matched, &e);
        OK(&t, tt && matched == 2 && strcmp(tt[4], "Four") == 0 && strcmp(tt[5], "Five") == 0,
           "titles from TSV");
        rs_titles_free(tt, 6);
        unlink(path);
        free(path);
    }

    free(r.text);
    rs_bundle_free(&b);
    rs_ratings_free(&rt);
    return tap_done(&t);
}
