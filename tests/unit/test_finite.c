/* test_finite: models whose numbers are not all finite.  A model file with
 * a valid checksum but a NaN factor is refused by its reader (it would
 * rank items arbitrarily), and the check trainers make says where. */
#include <stdint.h>
#include <unistd.h>
#include "tap.h"
#include "format/bundle.h"
#include "format/csr.h"
#include "format/finite.h"
#include "format/idmap_block.h"
#include "model/diverge.h"
#include "prep/ratings.h"
#include "score/scorer.h"

static void *copy_of(const void *p, size_t n) { void *q = malloc(n); memcpy(q, p, n); return q; }

/* 3 users x 4 items, k = 2, as rs-svd writes it; item_factors[bad_row]
 * gets a NaN when bad_row >= 0. */
static void make_model(rs_bundle *b, rs_ratings *rt, const char *kind, int bad_row)
{
    static const char *users[] = { "u0", "u1", "u2" }, *items[] = { "i0", "i1", "i2", "i3" };
    float P[] = { 1, 0, 0, 1, 1, 1 }, Q[] = { 1, 0, 0, 1, .5f, .5f, 2, 1 };
    if (bad_row >= 0) Q[2 * bad_row + 1] = NAN;
    rs_ratings_init(rt);
    for (int k = 0; k < 3; k++) rs_idmap_intern(rt->users, users[k], 2);
    for (int k = 0; k < 4; k++) rs_idmap_intern(rt->items, items[k], 2);
    rs_ratings_add(rt, 0, 0, 1, 0);
    rs_ratings_add(rt, 1, 1, 1, 0);
    rs_ratings_add(rt, 2, 3, 1, 0);
    rs_csr m;
    memset(b, 0, sizeof *b);
    rs_csr_from_ratings(&m, rt);
    rs_csr_put(&m, b, 1);
    rs_csr_free(&m);
    rs_idmap_put(rt->users, b, "users");
    rs_idmap_put(rt->items, b, "items");
    rs_bundle_put(b, "user_factors", RS_F32, 3, 2, copy_of(P, sizeof P), 1);
    rs_bundle_put(b, "item_factors", RS_F32, 4, 2, copy_of(Q, sizeof Q), 1);
    rs_meta_set(b, "model", kind);
    rs_meta_set(b, "reg", "30");
    rs_meta_set(b, "alpha", "0");
}

/* Through a file, so the checksums are computed and verified as usual. */
static rs_scorer *round_trip(rs_bundle *b, rs_bundle *back, rs_err *e)
{
    char path[] = "/tmp/test_finite.XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "wb");
    int rc = rs_bundle_write(f, b, 0, e);
    fclose(f);
    memset(back, 0, sizeof *back);
    if (rc == 0) rc = rs_bundle_load(path, back, e);
    unlink(path);
    return rc == 0 ? rs_scorer_open(back, e) : NULL;
}

int main(void)
{
    tap t = { 0 };
    float x[] = { 0, 1, -2, 3e38f, INFINITY, NAN };
    OK(&t, rs_first_nonfinite_f32(x, 4) == 4, "finite floats: none found");
    OK(&t, rs_first_nonfinite_f32(x, 6) == 4, "the first inf is found");
    double y[] = { 1, 2, NAN };
    OK(&t, rs_first_nonfinite_f64(y, 3) == 2, "NaN in doubles is found");

    rs_err e = { 0 };
    OK(&t, rs_diverged_f32("FunkSVD", "epoch 3", "an item factor", x, 6, 2, "try --lr 0.005", &e) < 0 &&
           !strcmp(e.msg, "FunkSVD diverged at epoch 3 (an item factor is NaN/inf at row 2): "
                          "try --lr 0.005"), "diverged: %s", e.msg);
    OK(&t, rs_diverged_f32("x", "y", "z", x, 4, 1, "h", &e) == 0, "finite: no divergence");

    rs_bundle b, back;
    rs_ratings rt;
    make_model(&b, &rt, "svd", -1);
    rs_scorer *s = round_trip(&b, &back, &e);
    OK(&t, s != NULL, "a finite model opens%s%s", s ? "" : ": ", s ? "" : e.msg);
    rs_scorer_close(s);
    rs_bundle_free(&back);
    rs_bundle_free(&b);
    rs_ratings_free(&rt);

    static const char *const kinds[] = { "svd", "als", "funk" };
    for (int k = 0; k < 3; k++) {
        memset(&e, 0, sizeof e);
        make_model(&b, &rt, kinds[k], 2);
        if (!strcmp(kinds[k], "funk")) rs_meta_set(&b, "reg_bias", "0");
        s = round_trip(&b, &back, &e);
        OK(&t, s == NULL && !strcmp(e.msg, "model block item_factors holds NaN/inf at row 2") &&
               e.code == RS_EDATA, "%s: a NaN factor with a valid checksum is refused: %s",
           kinds[k], e.msg);
        rs_scorer_close(s);
        rs_bundle_free(&back);
        rs_bundle_free(&b);
        rs_ratings_free(&rt);
    }

    /* The training values too (every kind reads them), even for popularity. */
    memset(&e, 0, sizeof e);
    make_model(&b, &rt, "svd", -1);
    ((float *)rs_bundle_get(&b, "values")->data)[1] = INFINITY;
    rs_bundle_remove(&b, "user_factors");
    rs_bundle_remove(&b, "item_factors");
    rs_bundle_remove(&b, "meta");
    s = round_trip(&b, &back, &e);
    OK(&t, s == NULL && strstr(e.msg, "model block values holds NaN/inf at row 1"),
       "popular: a matrix value of inf is refused: %s", e.msg);
    rs_scorer_close(s);
    rs_bundle_free(&back);
    rs_bundle_free(&b);
    rs_ratings_free(&rt);

    /* ALS fold-in with a strong penalty: Q'Q is prepared only for a
     * history, and with the model's own reg. */
    memset(&e, 0, sizeof e);
    make_model(&b, &rt, "als", -1);
    s = rs_scorer_open(&b, &e);
    float out[4];
    uint32_t hist[] = { 0, 3 };
    int rc = s ? rs_scorer_history(s, hist, NULL, 2, out, &e) : -1;
    /* p = (Q'Q + 30 I)^-1 (q0 + q3); alpha 0 adds nothing. */
    double a = 1 + .25 + 4 + 30, c = .25 + 2, d = 1 + .25 + 1 + 30, r0 = 3, r1 = 1;
    double det = a * d - c * c, p0 = (d * r0 - c * r1) / det, p1 = (a * r1 - c * r0) / det;
    OK(&t, rc == 0 && fabs(out[3] - (2 * p0 + p1)) < 1e-6 && fabs(out[1] - p1) < 1e-6,
       "als fold-in with reg 30: %g, want %g", rc == 0 ? out[3] : NAN, 2 * p0 + p1);
    rs_scorer_close(s);
    rs_bundle_free(&b);
    rs_ratings_free(&rt);
    return tap_done(&t);
}
