#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mf_bpr.h"
#include "rng.h"

/* The sampler runs ahead of the updates so that the memory a sample needs
 * (its nonzero, then three factor rows and the user's row of the matrix)
 * is prefetched while earlier samples are applied: a sample is drawn
 * AHEAD2 steps before its update, its rows are located AHEAD1 steps
 * before.  Random rows of a large model miss every cache; without this an
 * update waits on three to five memory loads in turn. */
#define AHEAD1 8
#define AHEAD2 16
#define RING 32                 /* a power of two > AHEAD2 */

typedef struct pair { uint32_t u, i; } pair;

typedef struct sample {
    uint64_t idx, nidx;         /* the positive's nonzero; the negative's (popular) */
    uint32_t u, i, j;
    uint64_t lo, hi;            /* the user's row in the sorted matrix */
} sample;

typedef struct bpr {
    const rs_bpr_opts *o;
    const uint64_t *indptr;
    const uint32_t *indices;    /* rows sorted, for verify */
    const pair *pairs;          /* nonzero -> (user, item) */
    uint64_t nnz;
    uint32_t items;
    float *U, *V;               /* users x stride, items x stride */
    size_t stride;
    int k;
    rs_rng *rng;                /* one stream per thread */
    uint64_t *correct, *skipped, *used;
} bpr;

void rs_bpr_defaults(rs_bpr_opts *o)
{
    memset(o, 0, sizeof *o);
    o->k = 50;
    o->iterations = RS_BPR_ITERATIONS;
    o->lr = RS_BPR_LR;
    o->reg = RS_BPR_REG;
    o->negatives = RS_BPR_UNIFORM;
    o->verify = 1;
    o->seed = 42;
    o->threads = 1;
}

int rs_bpr_negatives_parse(const char *s)
{
    if (!strcmp(s, "uniform")) return RS_BPR_UNIFORM;
    if (!strcmp(s, "popular")) return RS_BPR_POPULAR;
    return -1;
}

const char *rs_bpr_negatives_name(int negatives)
{
    return negatives == RS_BPR_POPULAR ? "popular" : "uniform";
}

static inline void prefetch_row(const float *row, size_t bytes)
{
    for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch((const char *)row + off, 1, 3);
}

static int has(const uint32_t *indices, uint64_t lo, uint64_t hi, uint32_t j)
{
    uint64_t end = hi;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (indices[mid] < j) lo = mid + 1;
        else hi = mid;
    }
    return lo < end && indices[lo] == j;
}

/* x = pu . (qi - qj) over n columns, in a fixed order (as rs_mf_dot). */
static inline float diff_dot(const float *pu, const float *qi, const float *qj, int n)
{
    rs_mf_v4 lo = { 0 }, hi = { 0 };
    int f = 0;
    for (; f + 8 <= n; f += 8) {
        lo += rs_mf_ld(pu + f) * (rs_mf_ld(qi + f) - rs_mf_ld(qj + f));
        hi += rs_mf_ld(pu + f + 4) * (rs_mf_ld(qi + f + 4) - rs_mf_ld(qj + f + 4));
    }
    float s = rs_mf_lanes(lo, hi);
    for (; f < n; f++) s += pu[f] * (qi[f] - qj[f]);
    return s;
}

static inline void update(float *restrict pu, float *restrict qi, float *restrict qj, int k,
                          float z, float lr, float reg)
{
    int f = 0;
    for (; f + 4 <= k; f += 4) {
        rs_mf_v4 p = rs_mf_ld(pu + f), a = rs_mf_ld(qi + f), b = rs_mf_ld(qj + f);
        rs_mf_st(pu + f, p + lr * (z * (a - b) - reg * p));
        rs_mf_st(qi + f, a + lr * (z * p - reg * a));
        rs_mf_st(qj + f, b + lr * (-z * p - reg * b));
    }
    for (; f < k; f++) {
        float p = pu[f], a = qi[f], b = qj[f];
        pu[f] = p + lr * (z * (a - b) - reg * p);
        qi[f] = a + lr * (z * p - reg * a);
        qj[f] = b + lr * (-z * p - reg * b);
    }
    qi[k] += lr * (z - reg * qi[k]);
    qj[k] += lr * (-z - reg * qj[k]);
}

static void worker(void *arg, int t)
{
    bpr *B = arg;
    const rs_bpr_opts *o = B->o;
    const int k = B->k, popular = o->negatives == RS_BPR_POPULAR, verify = o->verify;
    const float lr = (float)o->lr, reg = (float)o->reg;
    const size_t rowbytes = B->stride * sizeof(float);
    rs_rng *rng = &B->rng[t];
    int64_t n0 = (int64_t)(B->nnz * (uint64_t)t / (uint64_t)o->threads);
    int64_t n = (int64_t)(B->nnz * (uint64_t)(t + 1) / (uint64_t)o->threads) - n0;
    uint64_t correct = 0, skipped = 0, used = 0;
    sample ring[RING];
    for (int64_t s = -AHEAD2; s < n; s++) {
        int64_t s2 = s + AHEAD2, s1 = s + AHEAD1;
        if (s2 < n) {
            sample *d = &ring[s2 & (RING - 1)];
            d->idx = rs_rng_below(rng, B->nnz);
            __builtin_prefetch(&B->pairs[d->idx]);
            if (popular) {
                d->nidx = rs_rng_below(rng, B->nnz);
                __builtin_prefetch(&B->pairs[d->nidx]);
            } else {
                d->j = (uint32_t)rs_rng_below(rng, B->items);
            }
        }
        if (s1 >= 0 && s1 < n) {
            sample *d = &ring[s1 & (RING - 1)];
            pair p = B->pairs[d->idx];
            d->u = p.u;
            d->i = p.i;
            if (popular) d->j = B->pairs[d->nidx].i;
            prefetch_row(B->U + (size_t)d->u * B->stride, rowbytes);
            prefetch_row(B->V + (size_t)d->i * B->stride, rowbytes);
            prefetch_row(B->V + (size_t)d->j * B->stride, rowbytes);
            if (verify) {
                d->lo = B->indptr[d->u];
                d->hi = B->indptr[d->u + 1];
                __builtin_prefetch(&B->indices[d->lo + (d->hi - d->lo) / 2]);
            }
        }
        if (s < 0) continue;
        const sample *d = &ring[s & (RING - 1)];
        if (d->i == d->j || (verify && has(B->indices, d->lo, d->hi, d->j))) {
            skipped++;
            continue;
        }
        float *pu = B->U + (size_t)d->u * B->stride;
        float *qi = B->V + (size_t)d->i * B->stride, *qj = B->V + (size_t)d->j * B->stride;
        float z = 1.0f / (1.0f + expf(diff_dot(pu, qi, qj, k + 1)));
        correct += z < 0.5f;
        used++;
        update(pu, qi, qj, k, z, lr, reg);
    }
    B->correct[t] = correct;
    B->skipped[t] = skipped;
    B->used[t] = used;
}

static int check(const rs_csr *a, const rs_bpr_opts *o, rs_err *e)
{
    if (o->iterations < 0) return rs_errf(e, RS_EUSAGE, "--iterations must be >= 0");
    if (!(o->lr > 0) || !isfinite(o->lr)) return rs_errf(e, RS_EUSAGE, "--lr must be > 0");
    if (!(o->reg >= 0) || !isfinite(o->reg)) return rs_errf(e, RS_EUSAGE, "--reg must be >= 0");
    if (o->negatives != RS_BPR_UNIFORM && o->negatives != RS_BPR_POPULAR)
        return rs_errf(e, RS_EUSAGE, "--negatives must be uniform or popular");
    if (o->threads < 1) return rs_errf(e, RS_EUSAGE, "threads must be >= 1");
    return rs_mf_check(a, o->k, e);
}

int rs_bpr_fit(const rs_csr *a, const rs_bpr_opts *o, rs_mf *m, rs_err *e)
{
    if (check(a, o, e) < 0) return -1;
    const int k = o->k;
    /* Rows of whole cache lines: a row costs as few line fills as it can. */
    size_t stride = ((size_t)k + 1 + 15) / 16 * 16;
    float *U = aligned_alloc(64, ((size_t)a->rows * stride * sizeof(float) + 63) / 64 * 64);
    float *V = aligned_alloc(64, ((size_t)a->cols * stride * sizeof(float) + 63) / 64 * 64);
    if (!U || !V) {
        free(U);
        free(V);
        return rs_errf(e, RS_EDATA, "out of memory for %u x %u factors", a->rows + a->cols, k);
    }
    rs_rng rng;
    rs_rng_seed(&rng, o->seed);
    uint64_t *icount = rs_xcalloc((size_t)a->cols + 1, sizeof *icount);
    for (uint64_t x = 0; x < a->nnz; x++) icount[a->indices[x]]++;
    for (uint32_t u = 0; u < a->rows; u++) {
        float *row = U + (size_t)u * stride;
        int empty = a->indptr[u] == a->indptr[u + 1];
        for (size_t f = 0; f < stride; f++) {
            float v = (float)((rs_rng_double(&rng) - 0.5) / k);
            row[f] = f < (size_t)k && !empty ? v : 0;
        }
        row[k] = 1;
    }
    for (uint32_t i = 0; i < a->cols; i++) {
        float *row = V + (size_t)i * stride;
        for (size_t f = 0; f < stride; f++) {
            float v = (float)((rs_rng_double(&rng) - 0.5) / k);
            row[f] = f <= (size_t)k && icount[i] ? v : 0;
        }
    }
    free(icount);

    rs_csr sorted;
    rs_csr_sorted_copy(a, &sorted);
    pair *pairs = rs_xmalloc(a->nnz * sizeof *pairs);
    for (uint32_t u = 0; u < a->rows; u++)
        for (uint64_t x = sorted.indptr[u]; x < sorted.indptr[u + 1]; x++)
            pairs[x] = (pair){ u, sorted.indices[x] };
    int T = o->threads;
    bpr B = { .o = o, .indptr = sorted.indptr, .indices = sorted.indices, .pairs = pairs,
              .nnz = a->nnz, .items = a->cols, .U = U, .V = V, .stride = stride, .k = k };
    B.rng = rs_xmalloc((size_t)T * sizeof *B.rng);
    for (int t = 0; t < T; t++) rs_rng_seed2(&B.rng[t], o->seed, (uint64_t)t + 1);
    B.correct = rs_xcalloc((size_t)T, sizeof *B.correct);
    B.skipped = rs_xcalloc((size_t)T, sizeof *B.skipped);
    B.used = rs_xcalloc((size_t)T, sizeof *B.used);
    int rc = 0;
    for (int it = 1; it <= o->iterations && rc == 0; it++) {
        double t0 = rs_now();
        rc = rs_mf_parallel(T, worker, &B, e);
        if (rc == 0 && o->iteration_done) {
            uint64_t c = 0, s = 0, used = 0;
            for (int t = 0; t < T; t++) {
                c += B.correct[t];
                s += B.skipped[t];
                used += B.used[t];
            }
            o->iteration_done(o->ctx, it, used ? (double)c / (double)used : NAN,
                              (double)s / (double)a->nnz, rs_now() - t0);
        }
        if (o->progress) rs_progress_update(o->progress, (uint64_t)it, (uint64_t)o->iterations, "iterations");
    }
    free(B.rng);
    free(B.correct);
    free(B.skipped);
    free(B.used);
    free(pairs);
    rs_csr_free(&sorted);
    if (rc == 0) {
        rs_mf_alloc(m, a->rows, a->cols, k, 0, 1);
        for (uint32_t u = 0; u < a->rows; u++)
            memcpy(m->P + (size_t)u * k, U + (size_t)u * stride, (size_t)k * sizeof(float));
        for (uint32_t i = 0; i < a->cols; i++) {
            memcpy(m->Q + (size_t)i * k, V + (size_t)i * stride, (size_t)k * sizeof(float));
            m->bi[i] = V[(size_t)i * stride + k];
        }
        m->g = 0;
    }
    free(U);
    free(V);
    return rc;
}

void rs_bpr_put(rs_mf *m, const rs_bpr_opts *o, rs_bundle *b)
{
    rs_mf_put(m, "bpr", b);
    rs_mf_meta_double(b, "lr", o->lr);
    rs_mf_meta_double(b, "reg", o->reg);
    rs_mf_meta_u64(b, "iterations", (uint64_t)o->iterations);
    rs_mf_meta_u64(b, "seed", o->seed);
    rs_meta_set(b, "negatives", rs_bpr_negatives_name(o->negatives));
    rs_meta_set(b, "verify_negatives", o->verify ? "1" : "0");
}
