/* lib/model/bpr_sgd.h's WARP search and mf_bpr's WARP step: cases worked
 * out by hand. */
#include <math.h>
#include <string.h>
#include "tap.h"
#include "model/bpr_sgd.h"
#include "model/mf_bpr.h"
#include "serve/refit.h"

/* A negative's score from a table: the search only ever asks for it. */
typedef struct fake { const float *score; int asked; } fake;

static float fake_score(void *w, uint32_t j, const float *bj)
{
    fake *f = w;
    f->asked++;
    return f->score[j];
}

/* One user who has items 0 and 3 of 5, one thread, uniform negatives. */
static void setup(rs_bprs *B, rs_bpr_opts *o, uint64_t *indptr, uint32_t *indices, float *bi)
{
    rs_bpr_defaults(o);
    o->loss = RS_BPR_LOSS_WARP;
    memset(B, 0, sizeof *B);
    indptr[0] = 0;
    indptr[1] = 2;
    indices[0] = 0;
    indices[1] = 3;
    B->o = o;
    B->indptr = indptr;
    B->indices = indices;
    B->users = 1;
    B->items = 5;
    B->bi = bi;
}

static void test_search(tap *t)
{
    rs_bprs B;
    rs_bpr_opts o;
    uint64_t indptr[2];
    uint32_t indices[2];
    float bi[5] = { 0 };
    setup(&B, &o, indptr, indices, bi);
    /* The positive 0 scores 2; every other item below 2 - 1: no violator
     * in any number of tries, and the sample is left as it was. */
    float low[5] = { 2, 0.5f, 0.9f, 0.99f, -3 };
    fake f = { low, 0 };
    rs_bprs_sample d = { 0, 1, 0, bi + 0, bi + 1 };
    float z = -1;
    OK(t, rs_bprs_warp(&B, NULL, &f, fake_score, 0, 0, &d, 2, &z) == 0 && z == -1,
       "no negative within the margin: no step");
    OK(t, f.asked == o.max_sampled, "max_sampled (%d) tries asked for: %d", o.max_sampled, f.asked);
    OK(t, d.j == 1 && d.bj == bi + 1, "the sample unchanged");
    /* Item 1 scores 1.5 > 2 - 1: found at the first try, weight
     * log(floor(4 / 1)) = log 4. */
    float first[5] = { 2, 1.5f, 0, 0, 0 };
    f = (fake){ first, 0 };
    OK(t, rs_bprs_warp(&B, NULL, &f, fake_score, 0, 0, &d, 2, &z) == 1 && d.j == 1 && f.asked == 1,
       "the sample's own negative violates: found at once");
    NEAR(t, z, log(4.0), 1e-6, "its weight log(floor((5 - 1) / 1)) = %g", (double)z);
    /* Only item 3 violates, and it is the user's: never used. */
    float hers[5] = { 2, 0, 0, 5, 0 };
    f = (fake){ hers, 0 };
    d.j = 1;
    OK(t, rs_bprs_warp(&B, NULL, &f, fake_score, 0, 7, &d, 2, &z) == 0 && d.j == 1,
       "a violator the user has is skipped (verify)");
    /* Only item 4 violates: found at some try t > 1, with weight
     * log(max(1, floor(4 / t))), the same for the same sample. */
    float four[5] = { 2, 0, 0, 0, 1.01f };
    o.max_sampled = 1000;
    int found = 0, heavier = 0;
    for (uint64_t s = 0; s < 20; s++) {
        f = (fake){ four, 0 };
        d.j = 1;
        d.bj = bi + 1;
        float z2 = -1;
        if (rs_bprs_warp(&B, NULL, &f, fake_score, 0, s, &d, 2, &z2) && d.j == 4 && d.bj == bi + 4) {
            double want = log(fmax(1, floor(4.0 / f.asked)));
            found += fabs(z2 - want) < 1e-6;
            heavier += z2 > 0;
            rs_bprs_sample d2 = { 0, 1, 0, bi + 0, bi + 1 };
            float z3 = -1;
            rs_bprs_warp(&B, NULL, &f, fake_score, 0, s, &d2, 2, &z3);
            found -= z3 != z2 || d2.j != 4;
        }
    }
    OK(t, found == 20, "a later violator: weight log(max(1, floor(4 / tries))), reproducible (%d of 20)", found);
    OK(t, heavier > 0 && heavier < 20, "found at try 2 or 3 (weight > 0) or later (0): %d of 20", heavier);
    o.max_sampled = 1;
    f = (fake){ four, 0 };
    d.j = 1;
    OK(t, rs_bprs_warp(&B, NULL, &f, fake_score, 0, 0, &d, 2, &z) == 0 && f.asked == 1,
       "max_sampled 1: only the sample's own negative");
    /* Weights are clipped at 10 (LightFM's MAX_LOSS). */
    NEAR(t, rs_bprs_warp_weight(1000000, 1), 10, 0, "a million items, first try: clipped to 10");
    NEAR(t, rs_bprs_warp_weight(2, 1), 0, 0, "two items: log 1 = 0");
}

/* Two items: every violator is found with weight log(floor(1 / t)) = 0, so
 * WARP moves nothing, not even by the penalty: the model is the initial
 * one (BPR's, from the same seed, at 0 iterations). */
static void test_two_items(tap *t)
{
    uint64_t indptr[4] = { 0, 1, 2, 3 };
    uint32_t indices[3] = { 0, 1, 0 };
    float values[3] = { 1, 1, 1 };
    rs_csr m = { 0 };
    m.rows = 3;
    m.cols = 2;
    m.nnz = 3;
    m.indptr = indptr;
    m.indices = indices;
    m.values = values;
    rs_bpr_opts o;
    rs_bpr_defaults(&o);
    o.k = 2;
    o.verify = 0;       /* so that the negative is never skipped */
    rs_mf a, b;
    rs_err e;
    o.iterations = 0;
    int rc = rs_bpr_fit(&m, &o, &a, &e);
    o.iterations = 20;
    o.loss = RS_BPR_LOSS_WARP;
    rc |= rs_bpr_fit(&m, &o, &b, &e);
    OK(t, rc == 0, "fits");
    OK(t, !memcmp(a.P, b.P, 3 * 2 * sizeof(float)) && !memcmp(a.Q, b.Q, 2 * 2 * sizeof(float)) &&
       !memcmp(a.bi, b.bi, 2 * sizeof(float)), "two items: WARP's weight is 0, nothing moves");
    rs_mf_free(&a);
    rs_mf_free(&b);
}

/* rs-serve refits a WARP model with WARP: its meta's loss and max_sampled
 * are refit options; a model without them is BPR's. */
static void test_refit(tap *t)
{
    rs_bundle meta = { 0 };
    rs_srv_args a = { 0 };
    rs_srv_fit f;
    rs_err e;
    rs_meta_set(&meta, "model", "bpr");
    rs_meta_set(&meta, "k", "4");
    OK(t, rs_srv_fit_prepare(&meta, "bpr", &a, 100, 50, 1, &f, &e) == 0 && f.bpr.loss == RS_BPR_LOSS_BPR,
       "refit: no loss key, BPR");
    rs_meta_set(&meta, "loss", "warp");
    rs_meta_set(&meta, "max_sampled", "7");
    OK(t, rs_srv_fit_prepare(&meta, "bpr", &a, 100, 50, 1, &f, &e) == 0 && f.bpr.loss == RS_BPR_LOSS_WARP &&
       f.bpr.max_sampled == 7, "refit: loss=warp, max_sampled=7 kept");
    rs_srv_args_add(&a, "loss", "hinge");
    OK(t, rs_srv_fit_prepare(&meta, "bpr", &a, 100, 50, 1, &f, &e) < 0 && strstr(e.msg, "loss: 'hinge'"),
       "refit: an unknown loss refused: %s", e.msg);
    rs_bundle_free(&meta);
}

int main(void)
{
    tap t = { 0, 0 };
    test_search(&t);
    test_two_items(&t);
    test_refit(&t);
    return tap_done(&t);
}
