/* bpr_sgd.h: BPR's training machinery (mf_bpr.h), the one copy shared by
 * rs_bpr_fit and rs_hybrid_fit: the factors and their initialization, the
 * users' random order, the negatives' noise, the strata of threads > 1, the
 * samples drawn user by user through a prefetching ring, the iteration loop
 * (with its report, divergence check and early stopping).  A model
 * supplies only its step: how a sample's vectors are formed and updated.
 *
 * The drivers below are inline so that the step, passed as a constant
 * function pointer, is inlined into each model's workers (BPR's step is a
 * few dozen instructions; a call per sample would cost it speed). */
#ifndef RS_BPR_SGD_H
#define RS_BPR_SGD_H
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include "common/alias.h"
#include "common/err.h"
#include "common/rng.h"
#include "format/bundle.h"
#include "format/csr.h"
#include "model/early.h"
#include "model/mf.h"
#include "model/mf_bpr.h"

/* Samples are drawn user by user (see mf_bpr.h): a user's row of the
 * matrix and her factors stay in cache for all her samples, and only the
 * two item rows of a sample and the negative's noise table entry come
 * from further away.  So a sample is made in two stages: DRAW samples
 * before it is needed its entry and random numbers are drawn and its
 * table entry fetched, AHEAD samples before it its negative is looked up
 * and both item rows fetched.  The random numbers are drawn in the order
 * they always were. */
#define RS_BPRS_AHEAD 4
#define RS_BPRS_DRAW 8
#define RS_BPRS_RING 16         /* a power of two > DRAW */
#define RS_BPRS_CHUNK 32        /* users per grab from the shared counter */
#define RS_BPRS_INLINE __attribute__((always_inline)) inline

/* A sample: its positive and negative, the random number for its
 * negative, where their biases are. */
typedef struct rs_bprs_sample { uint32_t i, j; uint64_t x; float *bi, *bj; } rs_bprs_sample;

/* One block of items: its members, their biases while the iteration runs
 * (a thread's biases on cache lines of their own), and the noise over
 * them. */
typedef struct rs_bprs_stratum { uint32_t *items, n; float *bias; rs_alias *noise; } rs_bprs_stratum;

typedef struct rs_bprs_tally { uint64_t correct, skipped, used; } rs_bprs_tally;

typedef struct rs_bprs {
    const rs_bpr_opts *o;
    const uint64_t *indptr;
    const uint32_t *indices;    /* rows sorted, for verify */
    uint32_t users, items;
    uint64_t nnz;
    uint32_t *perm;             /* this iteration's order of the users */
    uint64_t iteration;
    float *U, *V, *bi;          /* users x stride, items x stride, items */
    size_t stride;              /* k rounded up to whole cache lines, the padding 0 */
    int k;
    rs_rng rng;                 /* the order, the blocks */
    rs_alias *noise;            /* one thread: the negatives' distribution, or NULL: uniform */
    /* Threads > 1: this iteration's item block of each item, each block's
     * items and noise, and the sub-epoch being run. */
    int strata, sub;            /* blocks (= threads; 1: none) */
    unsigned char *block;       /* each item's block */
    rs_bprs_stratum *sts;
    double *weight;             /* each item's noise weight */
    double *bw;                 /* scratch: one block's weights */
    uint32_t *local;            /* each item's place in its block */
    uint32_t maxrow;            /* longest user row */
    rs_csr copy;                /* the rows sorted, when they were not */
    const char *hint;           /* the divergence message's advice, or NULL: BPR's */
    atomic_size_t next;
    _Atomic uint64_t correct, skipped, used;
} rs_bprs;

/* A model's step for a sample d of user u (pu her id row) that is used:
 * d.i != d.j, and with verify d.j not hers.  s is the sample's place among
 * the user's samples.  Returns z = 1 / (1 + e^x). */
typedef float (*rs_bprs_step)(void *w, uint32_t u, float *pu, rs_bprs_sample d, uint64_t s);

/* What a model adds to the loop: its thread workers (rs_parallel_for's
 * ctx is the loop's ctx), around each sub-epoch of threads > 1 (or NULL),
 * the check of its own parameters after an iteration (or NULL). */
typedef struct rs_bprs_hooks {
    int (*worker)(void *ctx, int t, size_t lo, size_t hi, rs_err *e);
    int (*strata_worker)(void *ctx, int t, size_t lo, size_t hi, rs_err *e);
    void (*sub_begin)(void *ctx);
    void (*sub_end)(void *ctx);
    int (*finite)(void *ctx, int it, rs_err *e);
} rs_bprs_hooks;

/* The option checks every BPR model makes (not rs_mf_check). */
int rs_bprs_check(const rs_bpr_opts *o, rs_err *e);
/* The factors (as `implicit`: uniform in [-0.5, 0.5) / k, 0 for users and
 * items without interactions), the order, the noise, the strata. */
int rs_bprs_init(rs_bprs *B, const rs_csr *a, const rs_bpr_opts *o, rs_err *e);
/* Iterations 1..o->iterations, each a new order of the users (and new
 * blocks) and every user's samples; after each the check of U, V, bi
 * (model names the model in the message) and h->finite, the report; with
 * view (the model as o->validate sees it) early stopping on o->validate,
 * U, V and bi restored to the best iteration's, o->best_iteration set. */
int rs_bprs_train(rs_bprs *B, const char *model, const rs_bprs_hooks *h, void *ctx,
                  const rs_mf_view *view, rs_err *e);
/* rs_diverged_f32 with BPR's hint, at iteration it. */
int rs_bprs_diverged(const rs_bprs *B, const char *model, int it, const char *name,
                     const float *x, size_t n, size_t stride, rs_err *e);
void rs_bprs_add(rs_bprs *B, const rs_bprs_tally *c);
void rs_bprs_free(rs_bprs *B);
/* rs_bpr_put's meta: lr, reg, iterations, seed, ns_exponent, verify_negatives. */
void rs_bprs_put_meta(const rs_bpr_opts *o, rs_bundle *b);
/* Zeroed, 64-byte aligned floats, or NULL. */
float *rs_bprs_falloc(size_t n);

static inline void rs_bprs_prefetch_row(const float *row, size_t bytes)
{
    for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch((const char *)row + off, 1, 3);
}

/* Whether the sorted row[0..n) holds j: a binary search whose steps are
 * conditional moves, not branches (their outcomes are coin flips, and
 * mispredicting them cost more than the search). */
static inline int rs_bprs_has(const uint32_t *row, uint64_t n, uint32_t j)
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
static inline float rs_bprs_diff_dot(const float *pu, const float *qi, const float *qj, int k)
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

/* WARP (mf_bpr.h): a negative's score as the model sees it, with the
 * user's vector the model's step has already formed (in w). */
typedef float (*rs_bprs_score)(void *w, uint32_t j, const float *bj);

static inline uint64_t rs_bprs_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* WARP's weight for a violator found at the t-th try, as LightFM's. */
static inline float rs_bprs_warp_weight(uint32_t items, int t)
{
    float r = floorf((float)(items - 1) / (float)t);
    float L = logf(r > 1 ? r : 1);
    return L < 10 ? L : 10;
}

/* WARP's search for sample *d (positive score pos) of user u, whose s-th
 * sample it is: d->j first, then tries drawn by a hash of the seed, the
 * iteration, u and s from the noise d->j came from (the stratum st's, or
 * with st NULL the catalogue's), until one scores above pos - 1, at most
 * max_sampled tries.  A violator that is i or (verify) the user's counts
 * as a try, as in LightFM.  Returns 1 and sets d->j, d->bj and *z (the
 * step's weight) when one is found, else 0.  score is a constant where
 * this is inlined. */
static RS_BPRS_INLINE int rs_bprs_warp(const rs_bprs *B, const rs_bprs_stratum *st, void *w,
                                       rs_bprs_score score, uint32_t u, uint64_t s,
                                       rs_bprs_sample *d, float pos, float *z)
{
    if (score(w, d->j, d->bj) > pos - 1) {
        *z = rs_bprs_warp_weight(B->items, 1);
        return 1;
    }
    const uint64_t lo = B->indptr[u], n = B->indptr[u + 1] - lo;
    const uint64_t h = rs_bprs_mix(B->o->seed ^ rs_bprs_mix((B->iteration << 32) ^ u) ^
                                   rs_bprs_mix(s ^ 0x7761727000000000ull));
    const int max = B->o->max_sampled, verify = B->o->verify;
    for (int t = 2; t <= max; t++) {
        const uint64_t x = rs_bprs_mix(h + (uint64_t)t);
        uint32_t j;
        float *bj;
        if (st) {
            uint32_t l = rs_alias_draw(st->noise, st->n, x);
            j = st->items[l];
            bj = st->bias + l;
        } else {
            j = B->noise ? rs_alias_draw(B->noise, B->items, x) : rs_alias_column(B->items, x);
            bj = B->bi + j;
        }
        if (!(score(w, j, bj) > pos - 1)) continue;
        if (j == d->i || (verify && rs_bprs_has(B->indices + lo, n, j))) continue;
        d->j = j;
        d->bj = bj;
        *z = rs_bprs_warp_weight(B->items, t);
        return 1;
    }
    return 0;
}

/* User u's m samples, positives from pos[0..m) (her row[0..n), or its part
 * in the block), negatives from the stratum st's noise, or with st NULL
 * from the whole catalogue's.  st is a constant where this is inlined, so
 * each caller gets the loop of its own case. */
static RS_BPRS_INLINE void rs_bprs_user(const rs_bprs *B, void *w, rs_bprs_step step,
                                        const rs_bprs_stratum *st, const uint32_t *row, uint64_t n,
                                        const uint32_t *pos, uint64_t m, uint32_t u, rs_rng *rng,
                                        rs_bprs_sample *ring, rs_bprs_tally *c)
{
    const size_t rowbytes = (size_t)B->k * sizeof(float);
    const int verify = B->o->verify;
    float *pu = B->U + (size_t)u * B->stride;
    for (int64_t s = -RS_BPRS_DRAW; s < (int64_t)m; s++) {
        int64_t at = s + RS_BPRS_DRAW, ahead = s + RS_BPRS_AHEAD;
        if (at < (int64_t)m) {
            rs_bprs_sample *d = &ring[at & (RS_BPRS_RING - 1)];
            d->i = pos[rs_rng_below(rng, m)];
            if (st) {
                d->x = rs_rng_u64(rng);
                __builtin_prefetch(st->noise + rs_alias_column(st->n, d->x));
            } else if (B->noise) {
                d->x = rs_rng_u64(rng);
                __builtin_prefetch(B->noise + rs_alias_column(B->items, d->x));
            } else {
                d->j = (uint32_t)rs_rng_below(rng, B->items);
            }
        }
        if (ahead >= 0 && ahead < (int64_t)m) {
            rs_bprs_sample *d = &ring[ahead & (RS_BPRS_RING - 1)];
            if (st) {
                uint32_t l = rs_alias_draw(st->noise, st->n, d->x);
                d->j = st->items[l];
                d->bi = st->bias + B->local[d->i];
                d->bj = st->bias + l;
            } else {
                if (B->noise) d->j = rs_alias_draw(B->noise, B->items, d->x);
                d->bi = B->bi + d->i;
                d->bj = B->bi + d->j;
            }
            rs_bprs_prefetch_row(B->V + (size_t)d->i * B->stride, rowbytes);
            rs_bprs_prefetch_row(B->V + (size_t)d->j * B->stride, rowbytes);
        }
        if (s >= 0) {
            rs_bprs_sample d = ring[s & (RS_BPRS_RING - 1)];
            if (d.i == d.j || (verify && rs_bprs_has(row, n, d.j))) {
                c->skipped++;
                continue;
            }
            float z = step(w, u, pu, d, (uint64_t)s);
            c->correct += z < 0.5f;
            c->used++;
        }
    }
}

/* One thread: every user, in chunks of the random order, each with
 * samples from all her entries and the whole catalogue; a stream per
 * chunk of the order. */
static RS_BPRS_INLINE void rs_bprs_chunks(rs_bprs *B, void *w, rs_bprs_step step)
{
    rs_bprs_tally c = { 0, 0, 0 };
    rs_bprs_sample ring[RS_BPRS_RING];
    for (;;) {
        size_t c0 = atomic_fetch_add(&B->next, RS_BPRS_CHUNK);
        if (c0 >= B->users) break;
        size_t c1 = c0 + RS_BPRS_CHUNK < B->users ? c0 + RS_BPRS_CHUNK : B->users;
        rs_rng rng;
        rs_rng_seed2(&rng, B->o->seed, (B->iteration << 32) + c0 / RS_BPRS_CHUNK);
        for (size_t u_at = c0; u_at < c1; u_at++) {
            uint32_t u = B->perm[u_at];
            uint64_t lo = B->indptr[u], n = B->indptr[u + 1] - lo;
            const uint32_t *row = B->indices + lo;
            rs_bprs_user(B, w, step, NULL, row, n, row, n, u, &rng, ring, &c);
        }
    }
    rs_bprs_add(B, &c);
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
static RS_BPRS_INLINE void rs_bprs_stratum_run(rs_bprs *B, int t, void *w, rs_bprs_step step)
{
    const int T = B->strata;
    const unsigned char b = (unsigned char)((t + B->sub) % T);
    const rs_bprs_stratum *st = &B->sts[b];
    size_t u0 = (size_t)B->users * (size_t)t / (size_t)T, u1 = (size_t)B->users * (size_t)(t + 1) / (size_t)T;
    uint32_t *mine = rs_xmalloc(((size_t)B->maxrow + 1) * sizeof *mine);
    rs_bprs_tally c = { 0, 0, 0 };
    rs_bprs_sample ring[RS_BPRS_RING];
    rs_rng rng;
    rs_rng_seed2(&rng, B->o->seed, (B->iteration << 32) + (uint64_t)B->sub * (uint64_t)T + (uint64_t)t);
    for (size_t u_at = u0; u_at < u1; u_at++) {
        uint32_t u = B->perm[u_at];
        uint64_t lo = B->indptr[u], n = B->indptr[u + 1] - lo, m = 0;
        const uint32_t *row = B->indices + lo;
        for (uint64_t x = 0; x < n; x++)
            if (B->block[row[x]] == b) mine[m++] = row[x];
        rs_bprs_user(B, w, step, st, row, n, mine, m, u, &rng, ring, &c);
    }
    free(mine);
    rs_bprs_add(B, &c);
}

#endif
