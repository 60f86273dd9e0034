#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/mf_bpr.h"
#include "common/parallel.h"
#include "model/diverge.h"
#include "common/rng.h"

/* Samples are drawn user by user (see mf_bpr.h): a user's row of the
 * matrix and her factors stay in cache for all her samples, and only the
 * two item rows of a sample and the negative's noise table entry come
 * from further away.  So a sample is made in two stages: DRAW samples
 * before it is needed its entry and random numbers are drawn and its
 * table entry fetched, AHEAD samples before it its negative is looked up
 * and both item rows fetched.  The random numbers are drawn in the order
 * they always were. */
#define AHEAD 4
#define DRAW 8
#define RING 16                /* a power of two > DRAW */
#define CHUNK 32                /* users per grab from the shared counter */

typedef struct bpr {
    const rs_bpr_opts *o;
    const uint64_t *indptr;
    const uint32_t *indices;    /* rows sorted, for verify */
    uint32_t users, items;
    uint32_t *perm;             /* this iteration's order of the users */
    uint64_t iteration;
    float *U, *V, *bi;          /* users x stride, items x stride, items */
    size_t stride;
    int k;
    const rs_alias *noise;   /* the negatives' distribution, or NULL: uniform */
    /* Threads > 1: this iteration's item block of each item, each block's
     * items and noise, and the sub-epoch being run (see strata_worker). */
    const unsigned char *block;
    const struct stratum *stratum;
    const uint32_t *local;      /* each item's place in its block */
    int strata, sub;
    uint32_t maxrow;            /* longest user row */
    atomic_size_t next;
    _Atomic uint64_t correct, skipped, used;
} bpr;

void rs_bpr_defaults(rs_bpr_opts *o)
{
    memset(o, 0, sizeof *o);
    o->k = 50;
    o->iterations = RS_BPR_ITERATIONS;
    o->lr = RS_BPR_LR;
    o->reg = RS_BPR_REG;
    o->ns_exponent = RS_BPR_NS_EXPONENT;
    o->verify = 1;
    o->seed = 42;
    o->threads = 1;
}

static inline void prefetch_row(const float *row, size_t bytes)
{
    for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch((const char *)row + off, 1, 3);
}

/* Whether the sorted row[0..n) holds j: a binary search whose steps are
 * conditional moves, not branches (their outcomes are coin flips, and
 * mispredicting them cost more than the search). */
static inline int has(const uint32_t *row, uint64_t n, uint32_t j)
{
    if (n == 0) return 0;
    const uint32_t *b = row;
    while (n > 1) {
        uint64_t half = n / 2;
        b = b[half] <= j ? b + half : b;
        n -= half;
    }
    return *b == j;
}

/* x = pu . (qi - qj) over k columns, in a fixed order (as rs_mf_dot). */
static inline float diff_dot(const float *pu, const float *qi, const float *qj, int k)
{
    rs_mf_v4 lo = { 0 }, hi = { 0 };
    int f = 0;
    for (; f + 8 <= k; f += 8) {
        lo += rs_mf_ld(pu + f) * (rs_mf_ld(qi + f) - rs_mf_ld(qj + f));
        hi += rs_mf_ld(pu + f + 4) * (rs_mf_ld(qi + f + 4) - rs_mf_ld(qj + f + 4));
    }
    float s = rs_mf_lanes(lo, hi);
    for (; f < k; f++) s += pu[f] * (qi[f] - qj[f]);
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
}


/* A sample, the random number for its negative, where its biases are. */
typedef struct sample { uint32_t i, j; uint64_t x; float *bi, *bj; } sample;

/* One block of items: its members, their biases while the iteration runs
 * (a thread's biases on cache lines of their own), and the noise over
 * them. */
typedef struct stratum { uint32_t *items, n; float *bias; rs_alias *noise; } stratum;

typedef struct tally { uint64_t correct, skipped, used; } tally;

/* One sample (u, i, j): skipped or one SGD step. */
static inline void step(const bpr *B, const uint32_t *row, uint64_t n, float *pu, sample d,
                        tally *c)
{
    const int k = B->k;
    const float lr = (float)B->o->lr, reg = (float)B->o->reg;
    uint32_t i = d.i, j = d.j;
    if (i == j || (B->o->verify && has(row, n, j))) {
        c->skipped++;
        return;
    }
    float *qi = B->V + (size_t)i * B->stride, *qj = B->V + (size_t)j * B->stride;
    float *bi = d.bi, *bj = d.bj;
    float z = 1.0f / (1.0f + expf(diff_dot(pu, qi, qj, k) + (*bi - *bj)));
    c->correct += z < 0.5f;
    c->used++;
    update(pu, qi, qj, k, z, lr, reg);
    *bi += lr * (z - reg * *bi);
    *bj += lr * (-z - reg * *bj);
}

static void add_tally(bpr *B, const tally *c)
{
    atomic_fetch_add(&B->correct, c->correct);
    atomic_fetch_add(&B->skipped, c->skipped);
    atomic_fetch_add(&B->used, c->used);
}

/* One thread: every user, in chunks of the random order, each with
 * samples from all her entries and the whole catalogue. */
static int worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    bpr *B = arg;
    const size_t rowbytes = (size_t)B->k * sizeof(float);
    tally c = { 0, 0, 0 };
    sample ring[RING];
    for (;;) {
        size_t c0 = atomic_fetch_add(&B->next, CHUNK);
        if (c0 >= B->users) break;
        size_t c1 = c0 + CHUNK < B->users ? c0 + CHUNK : B->users;
        /* A stream per chunk of the order. */
        rs_rng rng;
        rs_rng_seed2(&rng, B->o->seed, (B->iteration << 32) + c0 / CHUNK);
        for (size_t u_at = c0; u_at < c1; u_at++) {
            uint32_t u = B->perm[u_at];
            uint64_t lo = B->indptr[u], n = B->indptr[u + 1] - lo;
            const uint32_t *row = B->indices + lo;
            float *pu = B->U + (size_t)u * B->stride;
            for (int64_t s = -DRAW; s < (int64_t)n; s++) {
                int64_t at = s + DRAW, ahead = s + AHEAD;
                if (at < (int64_t)n) {
                    sample *d = &ring[at & (RING - 1)];
                    d->i = row[rs_rng_below(&rng, n)];
                    if (B->noise) {
                        d->x = rs_rng_u64(&rng);
                        __builtin_prefetch(B->noise + rs_alias_column(B->items, d->x));
                    } else {
                        d->j = (uint32_t)rs_rng_below(&rng, B->items);
                    }
                }
                if (ahead >= 0 && ahead < (int64_t)n) {
                    sample *d = &ring[ahead & (RING - 1)];
                    if (B->noise) d->j = rs_alias_draw(B->noise, B->items, d->x);
                    d->bi = B->bi + d->i;
                    d->bj = B->bi + d->j;
                    prefetch_row(B->V + (size_t)d->i * B->stride, rowbytes);
                    prefetch_row(B->V + (size_t)d->j * B->stride, rowbytes);
                }
                if (s >= 0) step(B, row, n, pu, ring[s & (RING - 1)], &c);
            }
        }
    }
    add_tally(B, &c);
    return 0;
}

/* Threads > 1 (stratified, as DSGD does for matrix factorization): the
 * items are dealt at random into T blocks each iteration, the users of the
 * random order cut into T blocks, and the iteration runs in T sub-epochs;
 * in sub-epoch s thread t takes user block t with item block (t + s) mod T:
 * each of her entries in that block is a sample, her positive drawn from
 * them and her negative from the noise within the block.  No two threads
 * ever write the same user or item row (Hogwild's threads, writing the
 * same popular items, passed cache lines back and forth and ran slower on
 * two cores than one on ML-20M), and over an iteration every entry is
 * sampled once on average, as with one thread.  A pair (i, j) is only
 * ever drawn within a block, but the blocks are new each iteration.  The
 * result depends on the thread count, not on timing. */
static int strata_worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    bpr *B = arg;
    const int T = B->strata;
    const unsigned char b = (unsigned char)((t + B->sub) % T);
    const stratum *st = &B->stratum[b];
    const size_t rowbytes = (size_t)B->k * sizeof(float);
    size_t u0 = (size_t)B->users * (size_t)t / (size_t)T, u1 = (size_t)B->users * (size_t)(t + 1) / (size_t)T;
    uint32_t *mine = rs_xmalloc(((size_t)B->maxrow + 1) * sizeof *mine);
    tally c = { 0, 0, 0 };
    sample ring[RING];
    rs_rng rng;
    rs_rng_seed2(&rng, B->o->seed, (B->iteration << 32) + (uint64_t)B->sub * (uint64_t)T + (uint64_t)t);
    for (size_t u_at = u0; u_at < u1; u_at++) {
        uint32_t u = B->perm[u_at];
        uint64_t lo = B->indptr[u], n = B->indptr[u + 1] - lo, m = 0;
        const uint32_t *row = B->indices + lo;
        for (uint64_t x = 0; x < n; x++)
            if (B->block[row[x]] == b) mine[m++] = row[x];
        float *pu = B->U + (size_t)u * B->stride;
        for (int64_t s = -DRAW; s < (int64_t)m; s++) {
            int64_t at = s + DRAW, ahead = s + AHEAD;
            if (at < (int64_t)m) {
                sample *d = &ring[at & (RING - 1)];
                d->i = mine[rs_rng_below(&rng, m)];
                d->x = rs_rng_u64(&rng);
                __builtin_prefetch(st->noise + rs_alias_column(st->n, d->x));
            }
            if (ahead >= 0 && ahead < (int64_t)m) {
                sample *d = &ring[ahead & (RING - 1)];
                uint32_t l = rs_alias_draw(st->noise, st->n, d->x);
                d->j = st->items[l];
                d->bi = st->bias + B->local[d->i];
                d->bj = st->bias + l;
                prefetch_row(B->V + (size_t)d->i * B->stride, rowbytes);
                prefetch_row(B->V + (size_t)d->j * B->stride, rowbytes);
            }
            if (s >= 0) step(B, row, n, pu, ring[s & (RING - 1)], &c);
        }
    }
    free(mine);
    add_tally(B, &c);
    return 0;
}

/* Rows already sorted by column (rs-index keeps the input order, and
 * MovieLens files come sorted) need no sorted copy. */
static int rows_sorted(const rs_csr *a)
{
    for (uint32_t u = 0; u < a->rows; u++)
        for (uint64_t x = a->indptr[u] + 1; x < a->indptr[u + 1]; x++)
            if (a->indices[x - 1] > a->indices[x]) return 0;
    return 1;
}

static int check(const rs_csr *a, const rs_bpr_opts *o, rs_err *e)
{
    if (o->iterations < 0) return rs_errf(e, RS_EUSAGE, "--iterations must be >= 0");
    if (!(o->lr > 0) || !isfinite(o->lr)) return rs_errf(e, RS_EUSAGE, "--lr must be > 0");
    if (!(o->reg >= 0) || !isfinite(o->reg)) return rs_errf(e, RS_EUSAGE, "--reg must be >= 0");
    if (!isfinite(o->ns_exponent) || fabs(o->ns_exponent) > 100)
        return rs_errf(e, RS_EUSAGE, "--ns-exponent must be in -100..100");
    if (o->threads < 1) return rs_errf(e, RS_EUSAGE, "threads must be >= 1");
    return rs_mf_check(a, o->k, e);
}

/* As `implicit`: uniform in [-0.5, 0.5) / k, 0 for users and items without
 * interactions (rows are stride floats, the padding 0). */
static void init_factors(const rs_csr *a, int k, size_t stride, rs_rng *rng, float *U, float *V,
                         float *bi)
{
    uint64_t *icount = rs_xcalloc((size_t)a->cols + 1, sizeof *icount);
    for (uint64_t x = 0; x < a->nnz; x++) icount[a->indices[x]]++;
    for (uint32_t u = 0; u < a->rows; u++) {
        float *row = U + (size_t)u * stride;
        int empty = a->indptr[u] == a->indptr[u + 1];
        for (size_t f = 0; f < stride; f++) {
            float v = (float)((rs_rng_double(rng) - 0.5) / k);
            row[f] = f < (size_t)k && !empty ? v : 0;
        }
    }
    for (uint32_t i = 0; i < a->cols; i++) {
        float *row = V + (size_t)i * stride;
        for (size_t f = 0; f < stride; f++) {
            float v = (float)((rs_rng_double(rng) - 0.5) / k);
            row[f] = f < (size_t)k && icount[i] ? v : 0;
        }
        float v = (float)((rs_rng_double(rng) - 0.5) / k);
        bi[i] = icount[i] ? v : 0;
    }
    free(icount);
}

/* Threads > 1: the item blocks of the iteration (see strata_worker). */
typedef struct strata {
    int n;                      /* blocks, = threads */
    unsigned char *block;       /* each item's block */
    stratum *sts;
    double *weight;             /* each item's noise weight */
    double *bw;                 /* scratch: one block's weights */
    uint32_t *local;            /* each item's place in its block */
} strata;

static void strata_init(strata *S, const rs_csr *a, int n, double exponent)
{
    S->n = n;
    S->block = rs_xmalloc((size_t)a->cols + 1);
    S->sts = rs_xcalloc((size_t)n, sizeof *S->sts);
    S->weight = rs_mf_noise_weights(a, exponent);
    S->bw = rs_xmalloc(((size_t)a->cols + 1) * sizeof *S->bw);
    S->local = rs_xmalloc(((size_t)a->cols + 1) * sizeof *S->local);
}

static void strata_clear(strata *S)
{
    for (int b = 0; b < S->n; b++) {
        free(S->sts[b].items);
        free(S->sts[b].bias);
        free(S->sts[b].noise);
        S->sts[b] = (stratum){ 0 };
    }
}

static void strata_free(strata *S)
{
    if (!S->sts) return;
    strata_clear(S);
    free(S->block);
    free(S->sts);
    free(S->weight);
    free(S->bw);
    free(S->local);
}

/* Deal the items into the blocks at random: each block gets its items,
 * their biases (from bi) and the noise over them. */
static void strata_deal(strata *S, const rs_csr *a, rs_rng *rng, const float *bi)
{
    strata_clear(S);
    for (uint32_t i = 0; i < a->cols; i++) {
        S->block[i] = (unsigned char)rs_rng_below(rng, (uint64_t)S->n);
        S->sts[S->block[i]].n++;
    }
    for (int b = 0; b < S->n; b++) {
        stratum *st = &S->sts[b];
        st->items = rs_xmalloc(((size_t)st->n + 1) * sizeof *st->items);
        st->bias = rs_xmalloc(((size_t)st->n + 1) * sizeof *st->bias);
        uint32_t n = 0;
        for (uint32_t i = 0; i < a->cols; i++)
            if (S->block[i] == b) {
                S->bw[n] = S->weight[i];
                st->bias[n] = bi[i];
                S->local[i] = n;
                st->items[n++] = i;
            }
        st->noise = rs_alias_new(S->bw, n);
    }
}

/* The blocks' biases back into bi. */
static void strata_gather(const strata *S, float *bi)
{
    for (int b = 0; b < S->n; b++)
        for (uint32_t n = 0; n < S->sts[b].n; n++) bi[S->sts[b].items[n]] = S->sts[b].bias[n];
}

/* One iteration: a new order of the users (and new blocks), then every
 * user's samples. */
static int iterate(bpr *B, strata *S, const rs_csr *a, rs_rng *rng, float *bi, int it, rs_err *e)
{
    rs_rng_shuffle_u32(rng, B->perm, a->rows);
    B->iteration = (uint64_t)it;
    atomic_store(&B->next, 0);
    atomic_store(&B->correct, 0);
    atomic_store(&B->skipped, 0);
    atomic_store(&B->used, 0);
    if (S->n <= 1) return rs_parallel_for(1, 1, worker, B, e);
    strata_deal(S, a, rng, bi);
    int rc = 0;
    for (B->sub = 0; B->sub < S->n && rc == 0; B->sub++)
        rc = rs_parallel_for(S->n, (size_t)S->n, strata_worker, B, e);
    strata_gather(S, bi);
    return rc;
}

static float *falloc(size_t n)
{
    size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
    return aligned_alloc(64, bytes ? bytes : 64);
}

/* Steps too long overflow the factors to inf, then NaN: stop at the
 * iteration it happened.  Rows are stride floats (the padding is 0). */
static int finite_after(const float *U, const float *V, const float *bi, uint32_t users,
                        uint32_t items, size_t stride, const rs_bpr_opts *o, int it, rs_err *e)
{
    char step[32], hint[256];
    snprintf(step, sizeof step, "iteration %d", it);
    snprintf(hint, sizeof hint, "the learning rate (--lr %g) is too large, or the regularization "
             "(--reg %g) too weak; try --lr %g", o->lr, o->reg, RS_BPR_LR);
    if (rs_diverged_f32("BPR", step, "a user factor", U, users * stride, stride, hint, e) < 0 ||
        rs_diverged_f32("BPR", step, "an item factor", V, items * stride, stride, hint, e) < 0 ||
        rs_diverged_f32("BPR", step, "an item bias", bi, items, 1, hint, e) < 0)
        return -1;
    return 0;
}

int rs_bpr_fit(const rs_csr *a, const rs_bpr_opts *o, rs_mf *m, rs_err *e)
{
    if (check(a, o, e) < 0) return -1;
    const int k = o->k;
    /* Rows of whole cache lines: a row costs as few line fills as it can. */
    size_t stride = ((size_t)k + 15) / 16 * 16;
    float *U = falloc((size_t)a->rows * stride), *V = falloc((size_t)a->cols * stride);
    float *bi = falloc(a->cols);
    if (!U || !V || !bi) {
        free(U);
        free(V);
        free(bi);
        return rs_errf(e, RS_EDATA, "out of memory for %u x %d factors", a->rows + a->cols, k);
    }
    rs_rng rng;
    rs_rng_seed(&rng, o->seed);
    init_factors(a, k, stride, &rng, U, V, bi);

    rs_csr copy = { 0 };
    const rs_csr *sorted = a;
    if (!rows_sorted(a)) {
        rs_csr view = *a;
        view.times = NULL;
        rs_csr_sorted_copy(&view, &copy);
        sorted = &copy;
    }
    uint32_t *perm = rs_xmalloc(((size_t)a->rows + 1) * sizeof *perm);
    for (uint32_t u = 0; u < a->rows; u++) perm[u] = u;
    /* More threads than blocks can tell apart, or than users, gain nothing. */
    int nstrata = o->threads < 256 ? o->threads : 255;
    if ((uint32_t)nstrata > a->rows) nstrata = (int)a->rows;
    if ((uint32_t)nstrata > a->cols) nstrata = (int)a->cols;
    /* One thread draws from one table over all items; threads from one
     * table per block, made each iteration from the weights. */
    strata S = { .n = nstrata };
    if (nstrata > 1) strata_init(&S, a, nstrata, o->ns_exponent);
    rs_alias *noise = nstrata > 1 ? NULL : rs_mf_noise(a, o->ns_exponent);
    uint32_t maxrow = 0;
    for (uint32_t u = 0; u < a->rows; u++)
        if (a->indptr[u + 1] - a->indptr[u] > maxrow) maxrow = (uint32_t)(a->indptr[u + 1] - a->indptr[u]);
    bpr B = { .o = o, .indptr = sorted->indptr, .indices = sorted->indices, .users = a->rows,
              .items = a->cols, .perm = perm, .U = U, .V = V, .bi = bi, .stride = stride,
              .k = k, .noise = noise, .block = S.block, .stratum = S.sts, .local = S.local,
              .strata = nstrata, .maxrow = maxrow };
    int rc = 0, it, stop = 0;
    rs_early early;
    rs_early_init(&early, o->validate ? o->patience : 0, 1);
    rs_early_track(&early, U, (size_t)a->rows * stride);
    rs_early_track(&early, V, (size_t)a->cols * stride);
    rs_early_track(&early, bi, a->cols);
    rs_mf_view view_m = { a->rows, a->cols, k, stride, U, V, NULL, bi, 0 };
    for (it = 1; it <= o->iterations && rc == 0 && !stop; it++) {
        double t0 = rs_now();
        rc = iterate(&B, &S, a, &rng, bi, it, e);
        if (rc == 0) rc = finite_after(U, V, bi, a->rows, a->cols, stride, o, it, e);
        if (rc == 0 && o->iteration_done) {
            uint64_t used = atomic_load(&B.used);
            o->iteration_done(o->ctx, it, used ? (double)atomic_load(&B.correct) / (double)used : NAN,
                              (double)atomic_load(&B.skipped) / (double)a->nnz, rs_now() - t0);
        }
        if (rc == 0 && o->validate) stop = rs_early_update(&early, it, o->validate(o->vctx, it, &view_m));
        if (o->progress) rs_progress_update(o->progress, (uint64_t)it, (uint64_t)o->iterations, "iterations");
    }
    if (rc == 0 && o->best_iteration) *o->best_iteration = rs_early_restore(&early, it - 1);
    rs_early_free(&early);
    free(perm);
    strata_free(&S);
    free(noise);
    if (sorted == &copy) rs_csr_free(&copy);
    if (rc == 0) {
        rs_mf_alloc(m, a->rows, a->cols, k, 0, 1);
        for (uint32_t u = 0; u < a->rows; u++)
            memcpy(m->P + (size_t)u * k, U + (size_t)u * stride, (size_t)k * sizeof(float));
        for (uint32_t i = 0; i < a->cols; i++)
            memcpy(m->Q + (size_t)i * k, V + (size_t)i * stride, (size_t)k * sizeof(float));
        memcpy(m->bi, bi, (size_t)a->cols * sizeof *bi);
        m->g = 0;
    }
    free(U);
    free(V);
    free(bi);
    return rc;
}

void rs_bpr_put(rs_mf *m, const rs_bpr_opts *o, rs_bundle *b)
{
    rs_mf_put(m, "bpr", b);
    rs_mf_meta_double(b, "lr", o->lr);
    rs_mf_meta_double(b, "reg", o->reg);
    rs_mf_meta_u64(b, "iterations", (uint64_t)o->iterations);
    rs_mf_meta_u64(b, "seed", o->seed);
    rs_mf_meta_double(b, "ns_exponent", o->ns_exponent);
    rs_meta_set(b, "verify_negatives", o->verify ? "1" : "0");
}
