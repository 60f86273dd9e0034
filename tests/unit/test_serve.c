/* test_serve.c: lib/serve's answers without HTTP: lists, errors, /viewed's
 * order, JSON bodies, refit options, latency quantiles, and random queries
 * and bodies (none may crash or answer outside 200/400/404). */
#include <string.h>
#include "common/rng.h"
#include "format/idmap_block.h"
#include "prep/ratings.h"
#include "serve/body.h"
#include "serve/model.h"
#include "serve/query.h"
#include "serve/refit.h"
#include "serve/stats.h"
#include "tap.h"

/* Three users, four items: a popularity model (a has 2 users, b, c, d one). */
static rs_srv_model *sample(rs_err *e)
{
    static const char *const rows[][2] = {
        { "u1", "a" }, { "u2", "b" }, { "u1", "c" }, { "u3", "a" }, { "u2", "d" },
    };
    static const double r[] = { 4, 0.5, 3.25, 1, 5 };
    rs_ratings rt;
    rs_ratings_init(&rt);
    rt.r = rs_xmalloc(sizeof *rt.r);
    rt.t = rs_xmalloc(sizeof *rt.t);
    for (int k = 0; k < 5; k++)
        rs_ratings_add(&rt, rs_idmap_intern(rt.users, rows[k][0], strlen(rows[k][0])),
                       rs_idmap_intern(rt.items, rows[k][1], strlen(rows[k][1])), r[k], 100 - k);
    rs_bundle b = { 0 };
    rs_meta_set(&b, "kind", "matrix");
    rs_idmap_put(rt.users, &b, "users");
    rs_idmap_put(rt.items, &b, "items");
    rs_csr m;
    rs_csr_from_ratings(&m, &rt);
    rs_csr_put(&m, &b, 1);
    rs_ratings_free(&rt);
    return rs_srv_model_open(&b, NULL, NULL, NULL, e);
}

static rs_srv_args args(const char *k1, const char *v1, const char *k2, const char *v2)
{
    rs_srv_args a = { 0 };
    if (k1) rs_srv_args_add(&a, k1, v1);
    if (k2) rs_srv_args_add(&a, k2, v2);
    return a;
}

static int body_is(const rs_srv_reply *r, const char *want)
{
    return r->body && r->len == strlen(want) && !memcmp(r->body, want, r->len);
}

int main(void)
{
    tap t = { 0 };
    rs_err e = { 0 };
    rs_srv_model *m = sample(&e);
    OK(&t, m != NULL, "a bare matrix opens as a popularity model (%s)", e.msg);
    if (!m) return tap_done(&t);
    OK(&t, !strcmp(m->kind, "popular"), "kind popular");
    rs_srv_reply r = { 0 };
    rs_srv_args a = args("user", "u1", "n", "2");
    OK(&t, rs_srv_recommended(m, &a, "user", "n", 0, &r) == 0 && r.status == 200 &&
       body_is(&r, "{\"user\":\"u1\",\"items\":[\"b\",\"d\"],\"scores\":[1,1]}\n"),
       "u1's top 2 without her items, ties to the smaller index");
    a = args("user", "u1", NULL, NULL);
    rs_srv_recommended(m, &a, "user", "n", 0, &r);
    OK(&t, r.status == 200, "n defaults (capped at the catalogue)");
    a = args("user_id", "u1", "top", "1");
    OK(&t, rs_srv_recommended(m, &a, "user_id", "top", 1, &r) == 0 &&
       strstr(r.body, "<td>b</td>") && !strcmp(r.type, RS_SRV_HTML), "/recs: HTML");
    a = args("n", "2", NULL, NULL);
    rs_srv_recommended(m, &a, "user", "n", 0, &r);
    OK(&t, r.status == 400 && strstr(r.body, "missing parameter 'user'"), "missing user: 400");
    a = args("user", NULL, NULL, NULL);
    rs_srv_recommended(m, &a, "user", "n", 0, &r);
    OK(&t, r.status == 400 && strstr(r.body, "has no value"), "user without a value: 400");
    const char *bad_n[] = { "0", "5", "-1", "1x", "", "+2", " 2", "99999999999999999999999" };
    for (size_t k = 0; k < sizeof bad_n / sizeof bad_n[0]; k++) {
        a = args("user", "u1", "n", bad_n[k]);
        rs_srv_recommended(m, &a, "user", "n", 0, &r);
        OK(&t, r.status == 400 && strstr(r.body, "parameter 'n'"), "n='%s': 400", bad_n[k]);
    }
    a = args("user", "nobody", NULL, NULL);
    rs_srv_recommended(m, &a, "user", "n", 0, &r);
    OK(&t, r.status == 404 && strstr(r.body, "unknown user 'nobody'"), "unknown user: 404");
    a = args("item", "a", NULL, NULL);
    rs_srv_similar(m, &a, &r);
    OK(&t, r.status == 400 && strstr(r.body, "no notion of item similarity"), "similar on popular: 400");
    a = args("user", "u1", "item", "a");
    rs_srv_predict(m, &a, &r);
    OK(&t, r.status == 400, "predict on popular: 400");
    a = args("user", "u1", NULL, NULL);
    OK(&t, rs_srv_viewed(m, &a, &r) == 0 && body_is(&r, "{\"user\":\"u1\",\"items\":[\"a\",\"c\"],"
       "\"ratings\":[4,3.25],\"times\":[100,98]}\n"), "/viewed: best rated first");
    a = args("user", "u2", "order", "time");
    OK(&t, rs_srv_viewed(m, &a, &r) == 0 && strstr(r.body, "\"items\":[\"b\",\"d\"]"),
       "/viewed?order=time: most recent first");
    a = args("user", "u2", "order", "up");
    rs_srv_viewed(m, &a, &r);
    OK(&t, r.status == 400, "/viewed: bad order 400");

    /* Bodies and fold-in. */
    rs_srv_body bd;
    const char *js = "{\"user\":\"new\",\"items\":[\"a\",7,\"zz\"],\"ratings\":[5,4,3],\"n\":2}";
    OK(&t, rs_srv_body_parse(js, strlen(js), &bd, &r) == 0 && bd.hist.nitems == 3 &&
       bd.hist.nratings == 3 && !strcmp(rs_srv_arg(&bd.args, "n", NULL), "2") &&
       !strcmp(bd.hist.items[1], "7"), "a JSON body: members, items, ratings");
    OK(&t, rs_srv_history_recommend(m, &bd.args, &bd.hist, &r) == 0 &&
       body_is(&r, "{\"user\":\"new\",\"items\":[\"b\",\"c\"],\"scores\":[1,1]}\n"),
       "fold-in leaves the history's items out");
    rs_srv_body_free(&bd);
    const char *bad[] = { "{", "[]", "3", "{\"items\":{}}", "{\"items\":[[1]]}",
                          "{\"ratings\":[\"x\"]}", "{\"a\":{\"b\":1}}" };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        int rc = rs_srv_body_parse(bad[k], strlen(bad[k]), &bd, &r);
        OK(&t, rc < 0 && r.status == 400, "body %s: 400", bad[k]);
        rs_srv_body_free(&bd);
    }

    /* Random queries and bodies: always an answer, never a crash. */
    rs_rng g;
    rs_rng_seed(&g, 7);
    int fine = 1;
    char s[64], s2[64];
    for (int it = 0; it < 20000 && fine; it++) {
        size_t len = rs_rng_u64(&g) % 40, len2 = rs_rng_u64(&g) % 8;
        for (size_t k = 0; k < len; k++) s[k] = (char)(1 + rs_rng_u64(&g) % 255);
        s[len] = '\0';
        for (size_t k = 0; k < len2; k++) s2[k] = "0123456789-+x {}[]\""[rs_rng_u64(&g) % 19];
        s2[len2] = '\0';
        a = args("user", it % 3 ? s : "u1", "n", s2);
        rs_srv_recommended(m, &a, "user", "n", it & 1, &r);
        fine &= r.status == 200 || r.status == 400 || r.status == 404;
        a = args("user", it % 2 ? s : "u2", "order", s2);
        rs_srv_viewed(m, &a, &r);
        fine &= r.status == 200 || r.status == 400 || r.status == 404;
        if (rs_srv_body_parse(s, len, &bd, &r) == 0) {
            rs_srv_history_recommend(m, &bd.args, &bd.hist, &r);
            fine &= r.status == 200 || r.status == 400;
        } else {
            fine &= r.status == 400;
        }
        rs_srv_body_free(&bd);
    }
    OK(&t, fine, "20000 random queries and bodies: only 200, 400, 404");
    rs_srv_reply_free(&r);

    /* Refit options. */
    rs_srv_fit f;
    rs_bundle meta = { 0 };
    rs_meta_set(&meta, "model", "svd");
    rs_meta_set(&meta, "k", "5");
    a = args("k", "7", NULL, NULL);
    OK(&t, rs_srv_fit_prepare(&meta, "svd", &a, 100, 50, 1, &f, &e) == 0 && f.svd.k == 7 &&
       !strcmp(f.desc, "k=7"), "svd refit: k from the query over the meta's");
    a = args("k", "51", NULL, NULL);
    OK(&t, rs_srv_fit_prepare(&meta, "svd", &a, 100, 50, 1, &f, &e) < 0 && strstr(e.msg, "k: 51"),
       "k beyond the matrix: refused");
    a = args("epochs", "3", NULL, NULL);
    OK(&t, rs_srv_fit_prepare(&meta, "svd", &a, 100, 50, 1, &f, &e) < 0 &&
       strstr(e.msg, "unknown option 'epochs' for a svd model"), "an option of another kind");
    a = args("tol", "x", NULL, NULL);
    OK(&t, rs_srv_fit_prepare(&meta, "svd", &a, 100, 50, 1, &f, &e) < 0 && strstr(e.msg, "tol:"),
       "a malformed value");
    rs_bundle_free(&meta);

    /* Quantiles: 90 fast requests and 10 slow ones. */
    static rs_srv_stat st;
    for (int k = 0; k < 90; k++) rs_srv_stat_add(&st, 200, 100000);        /* 0.1 ms */
    for (int k = 0; k < 10; k++) rs_srv_stat_add(&st, 404, 10000000);      /* 10 ms */
    double p50 = rs_srv_stat_quantile(&st, 0.5), p99 = rs_srv_stat_quantile(&st, 0.99);
    OK(&t, p50 >= 1e-4 && p50 <= 1.1e-4 && p99 >= 1e-2 && p99 <= 1.1e-2 &&
       rs_srv_stat_total(&st) == 100, "quantiles within a bucket (p50 %g, p99 %g)", p50, p99);

    rs_srv_model_unref(m);
    return tap_done(&t);
}
