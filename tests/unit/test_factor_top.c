/* lib/score/factor_top.c: one user's top N from items in norm order gives
 * rs_rec_top_row's list over the full SGEMV row, bit for bit (items,
 * score bits, order, ties to the smaller index), for any k, any items % 4,
 * with biases, masks, lists longer than the catalogue's unmasked part, and
 * items with equal scores. */
#include <cblas.h>
#include "cli/cli.h"
#include "common/rng.h"
#include "common/topk.h"
#include "score/factor_top.h"
#include "score/recommend.h"
#include "tap.h"

/* A model: item norms spread over two orders of magnitude (as an SVD's,
 * whose singular values are in Q), some items duplicated (equal scores). */
static float *make_q(rs_rng *g, uint32_t items, uint32_t k)
{
    float *Q = rs_xmalloc((size_t)items * k * sizeof *Q);
    for (uint32_t i = 0; i < items; i++) {
        double scale = 0.02 + 3.0 * rs_rng_double(g) * rs_rng_double(g) * rs_rng_double(g);
        if (i > 5 && rs_rng_below(g, 10) == 0) {
            memcpy(Q + (size_t)i * k, Q + (size_t)rs_rng_below(g, i) * k, k * sizeof *Q);
            continue;
        }
        for (uint32_t a = 0; a < k; a++)
            Q[(size_t)i * k + a] = (float)(scale * rs_rng_normal(g));
    }
    return Q;
}

/* The list rs-recommend makes: the full SGEMV, the bias added as
 * score_factors.c adds it, rs_rec_top_row. */
static size_t reference(const float *Q, const float *ib, uint32_t items, uint32_t k,
                        const float *p, float bu, const uint32_t *mask, size_t nmask, rs_topk *t)
{
    float *row = rs_xmalloc(((size_t)items + 1) * sizeof *row);
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)items, (int)k, 1.0f, Q, (int)k, p, 1, 0.0f,
                row, 1);
    for (uint32_t i = 0; i < items; i++) row[i] += ib[i] + bu;
    size_t n = rs_rec_top_row(t, row, items, mask, nmask);
    free(row);
    return n;
}

static int same(const rs_topk *a, size_t na, const rs_topk *b, size_t nb)
{
    if (na != nb) return 0;
    for (size_t j = 0; j < na; j++)
        if (a->idx[j] != b->idx[j] || memcmp(&a->score[j], &b->score[j], sizeof(float)))
            return 0;
    return 1;
}

int main(void)
{
    tap t = { 0 };
    rs_blas_threads(1);
    rs_rng g;
    rs_rng_seed(&g, 11);
    static const uint32_t shapes[][2] = { { 1, 3 }, { 3, 5 }, { 7, 1 }, { 64, 4 }, { 1001, 10 },
                                          { 2002, 50 }, { 4099, 64 }, { 9003, 33 } };
    float *scratch = rs_xmalloc(RS_FACTOR_TOP_SCRATCH * sizeof *scratch);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        uint32_t items = shapes[s][0], k = shapes[s][1];
        float *Q = make_q(&g, items, k);
        for (int biased = 0; biased < 2; biased++) {
            float *ib = rs_xmalloc(items * sizeof *ib);
            for (uint32_t i = 0; i < items; i++)
                ib[i] = biased ? (float)(0.3 * rs_rng_normal(&g) + 1.5) : 0.0f;
            rs_factor_top *f = rs_factor_top_open(Q, ib, items, k);
            OK(&t, f != NULL, "%u items, k=%u%s: the ordered chunks give the full SGEMV's bits",
               items, k, biased ? ", biases" : "");
            if (!f) {
                free(ib);
                continue;
            }
            int ok = 1, trials = 0;
            float *p = rs_xmalloc(k * sizeof *p);
            uint32_t *mask = rs_xmalloc((items + 1) * sizeof *mask);
            for (int u = 0; u < 40; u++) {
                for (uint32_t a = 0; a < k; a++) p[a] = (float)rs_rng_normal(&g);
                float bu = biased ? (float)rs_rng_normal(&g) : 0.0f;
                size_t nmask = rs_rng_below(&g, items / 3 + 2);
                for (size_t m = 0; m < nmask; m++) mask[m] = (uint32_t)rs_rng_below(&g, items);
                static const size_t ns[] = { 1, 10, 100 };
                for (size_t c = 0; c < 4; c++) {
                    size_t n = c < 3 ? ns[c] : items;   /* all: more than the unmasked */
                    if (n > items) n = items;
                    rs_topk a, b;
                    rs_topk_init(&a, n);
                    rs_topk_init(&b, n);
                    size_t na = rs_factor_top_user(f, p, bu, mask, nmask, &a, scratch);
                    size_t nb = reference(Q, ib, items, k, p, bu, mask, nmask, &b);
                    if (!same(&a, na, &b, nb)) ok = 0;
                    trials++;
                    rs_topk_free(&a);
                    rs_topk_free(&b);
                }
            }
            OK(&t, ok, "%u items, k=%u%s: %d lists equal rs_rec_top_row's over the full row", items,
               k, biased ? ", biases" : "", trials);
            free(p);
            free(mask);
            rs_factor_top_close(f);
            free(ib);
        }
        free(Q);
    }
    free(scratch);
    return tap_done(&t);
}
