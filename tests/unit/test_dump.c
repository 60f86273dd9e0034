/* test_decode.c: bundles as text: the matrix back to TSV, the listing, and
 * block dumps (exact floats, id labels only where the rows fit a map). */
#include <stdint.h>
#include "format/csr.h"
#include "format/dump.h"
#include "format/idmap_block.h"
#include "prep/ratings.h"
#include "tap.h"

/* What fn printed into a memory stream (caller frees). */
#define CAPTURE(out, call) do { size_t n_; FILE *f_ = open_memstream(&(out), &n_); \
                                rc = (call); fclose(f_); } while (0)
#define F f_

/* TAP descriptions stay on one line: newlines and tabs shown escaped. */
#define ESC_MAX 256
static const char *esc(char *buf, const char *s)
{
    size_t n = 0;
    for (; *s && n < ESC_MAX - 3; s++) {
        if (*s == '\n') { buf[n++] = '\\'; buf[n++] = 'n'; }
        else if (*s == '\t') { buf[n++] = '\\'; buf[n++] = 't'; }
        else buf[n++] = *s;
    }
    buf[n] = '\0';
    return buf;
}

/* Three users, four items, in the order rs-index would see them. */
static void sample(rs_bundle *b, rs_ratings *rt, rs_csr *m, int with_times)
{
    static const char *const rows[][2] = {
        { "ü1", "a" }, { "u2", "b" }, { "ü1", "c" }, { "u3", "a" }, { "u2", "d" },
    };
    static const double r[] = { 4, 0.5, 3.25, 1, 5 };
    rs_ratings_init(rt);
    rt->r = rs_xmalloc(sizeof *rt->r);
    if (with_times) rt->t = rs_xmalloc(sizeof *rt->t);
    for (int k = 0; k < 5; k++)
        rs_ratings_add(rt, rs_idmap_intern(rt->users, rows[k][0], strlen(rows[k][0])),
                       rs_idmap_intern(rt->items, rows[k][1], strlen(rows[k][1])), r[k],
                       100 - k);
    memset(b, 0, sizeof *b);
    rs_meta_set(b, "kind", "matrix");
    rs_idmap_put(rt->users, b, "users");
    rs_idmap_put(rt->items, b, "items");
    rs_csr_from_ratings(m, rt);
    rs_csr_put(m, b, 0);
}

int main(void)
{
    tap t = { 0 };
    rs_err e = { 0 };
    rs_bundle b;
    rs_ratings rt;
    rs_csr m;
    char *out, d[ESC_MAX];
    int rc;

    sample(&b, &rt, &m, 1);
    CAPTURE(out, rs_dump_matrix(F, &b, &e));
    OK(&t, rc == 0 && !strcmp(out, "ü1\ta\t4\t100\nü1\tc\t3.25\t98\nu2\tb\t0.5\t99\n"
                              "u2\td\t5\t96\nu3\ta\t1\t97\n"), "matrix grouped by user: %s", esc(d, out));
    free(out);

    rs_meta_set(&b, "columns", "2");
    CAPTURE(out, rs_dump_matrix(F, &b, &e));
    OK(&t, rc == 0 && !strcmp(out, "ü1\ta\nü1\tc\nu2\tb\nu2\td\nu3\ta\n"),
       "columns=2 writes ids only: %s", esc(d, out));
    free(out);

    /* A model's blocks: labels where the rows fit, none where they do not. */
    float q[] = { 0.1f, -2.5f, 1.0f / 3, 1e-8f, 3e38f, 0, -0.0f, 7 };
    rs_bundle_put(&b, "item_factors", RS_F32, 4, 2, q, 0);
    CAPTURE(out, rs_dump_block(F, &b, "item_factors", 1, &e));
    OK(&t, rc == 0 && !strcmp(out, "a\t0.1\t-2.5\nb\t0.33333334\t1e-08\n"
                              "c\t3e+38\t0\nd\t-0\t7\n"),
       "item_factors with ids, shortest exact floats: %s", esc(d, out));
    free(out);
    CAPTURE(out, rs_dump_block(F, &b, "item_factors", 0, &e));
    OK(&t, rc == 0 && !strncmp(out, "0.1\t-2.5\n", 9), "without ids: %s", esc(d, out));
    free(out);

    /* Every float reads back to itself from its printed form. */
    enum { NF = 20000 };
    float *many = rs_xmalloc(NF * sizeof *many);
    uint32_t x = 12345;
    for (int k = 0; k < NF; k++) {
        x = x * 1664525u + 1013904223u;
        uint32_t bits = x & 0x7f7fffffu;   /* finite */
        memcpy(&many[k], &bits, 4);
    }
    rs_bundle_put(&b, "many", RS_F32, NF, 1, many, 1);
    CAPTURE(out, rs_dump_block(F, &b, "many", 0, &e));
    int exact = rc == 0;
    char *p = out;
    for (int k = 0; k < NF && exact; k++) {
        char *end;
        float v = strtof(p, &end);
        exact = end > p && *end == '\n' && memcmp(&v, &many[k], 4) == 0;
        p = end + 1;
    }
    OK(&t, exact, "%d random floats print exactly", NF);
    free(out);
    rs_bundle_remove(&b, "many");

    double g[] = { 0.1, 1e300 };
    rs_bundle_put(&b, "user_bias", RS_F64, 2, 1, g, 0);   /* 2 rows, 3 users */
    CAPTURE(out, rs_dump_block(F, &b, "user_bias", 1, &e));
    OK(&t, rc == 0 && !strcmp(out, "0.1\n1e+300\n"), "rows that do not fit a map: no ids: %s", esc(d, out));
    OK(&t, rs_dump_rows_map(&b, rs_bundle_get(&b, "user_bias")) == NULL, "no map for user_bias");
    OK(&t, !strcmp(rs_dump_rows_map(&b, rs_bundle_get(&b, "item_factors")), "items"),
       "items map for item_factors");
    free(out);

    int32_t neg[] = { -2147483647 - 1, 5 };
    rs_bundle_put(&b, "w2v_thing", RS_I32, 1, 2, neg, 0);  /* w2v_ rows are items: 1 != 4 */
    CAPTURE(out, rs_dump_block(F, &b, "w2v_thing", 1, &e));
    OK(&t, rc == 0 && !strcmp(out, "-2147483648\t5\n"), "i32: %s", esc(d, out));
    free(out);

    CAPTURE(out, rs_dump_block(F, &b, "users", 1, &e));
    OK(&t, rc == 0 && !strcmp(out, "ü1\nu2\nu3\n"), "strings one a line: %s", esc(d, out));
    free(out);

    CAPTURE(out, rs_dump_block(F, &b, "nope", 1, &e));
    OK(&t, rc < 0 && strstr(e.msg, "no block 'nope'") && strstr(e.msg, "item_factors"),
       "missing block names the ones there are: %s", e.msg);
    free(out);

    CAPTURE(out, (rs_dump_list(F, &b), 0));
    OK(&t, !strncmp(out, "#block\tdtype\trows\tcols\tbytes\tstored\tcompression\n"
                         "meta\tstr\t2\t1\t22\t22\tnone\nusers\tstr\t3\t1\t", 80),
       "listing starts with its header and meta: %s", esc(d, out));
    OK(&t, strstr(out, "\nitem_factors\tf32\t4\t2\t32\t32\tnone\n") != NULL, "listing has item_factors");
    OK(&t, strstr(out, "\n#meta\nkind=matrix\ncolumns=2\n") != NULL, "listing ends with meta");
    free(out);
    rs_bundle_free(&b);
    rs_csr_free(&m);
    rs_ratings_free(&rt);

    /* No matrix at all: a hint rather than "missing block". */
    memset(&b, 0, sizeof b);
    rs_meta_set(&b, "kind", "model");
    CAPTURE(out, rs_dump_matrix(F, &b, &e));
    OK(&t, rc < 0 && strstr(e.msg, "no interaction matrix in this model bundle") && strstr(e.msg, "--list"),
       "no matrix: %s", e.msg);
    free(out);
    rs_bundle_free(&b);

    /* Without timestamps, a 4-column claim prints 3. */
    sample(&b, &rt, &m, 0);
    CAPTURE(out, rs_dump_matrix(F, &b, &e));
    OK(&t, rc == 0 && !strncmp(out, "ü1\ta\t4\nü1\tc\t3.25\n", 18), "no times: %s", esc(d, out));
    free(out);
    rs_bundle_free(&b);
    rs_csr_free(&m);
    rs_ratings_free(&rt);

    OK(&t, !strcmp(rs_dump_dtype_name(RS_U64), "u64") && !strcmp(rs_dump_dtype_name(99), "?"),
       "dtype names");
    return tap_done(&t);
}
