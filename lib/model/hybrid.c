/* hybrid.c: BPR with side features (hybrid.h).  The sampling, the strata
 * and the random streams are mf_bpr.c's, step for step, so that without
 * features the model is BPR's exactly; what is added is the summing of
 * feature embeddings into each sample's vectors and their updates. */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/parallel.h"
#include "common/rng.h"
#include "model/diverge.h"
#include "model/hybrid.h"

#define CHUNK 32                /* users per grab from the shared counter (as BPR) */

/* One side's features, weights scaled to sum 1 per row, zeros dropped. */
typedef struct side {
    uint64_t *indptr;           /* NULL: no features on this side */
    uint32_t *indices;
    float *w;
    uint32_t n;                 /* features */
} side;

/* A thread's feature embeddings (its copy in a sub-epoch, or the master). */
typedef struct tables { float *IF, *Ib, *UF; } tables;

typedef struct stratum { uint32_t *items, n; float *bias; rs_alias *noise; } stratum;

typedef struct hyb {
    const rs_bpr_opts *o;
    const uint64_t *indptr;
    const uint32_t *indices;
    uint32_t users, items;
    uint32_t *perm;
    uint64_t iteration;
    float *U, *V, *bi;
    size_t stride;
    int k;
    const rs_alias *noise;
    side is, us;
    const float *zero;          /* a row of zeros: the id part of a dropped item */
    uint64_t drop;              /* id dropout: a sample drops its items' ids when its hash < drop */
    tables *loc;                /* per thread */
    const unsigned char *block;
    const stratum *stratum;
    const uint32_t *local;
    int strata, sub;
    uint32_t maxrow;
    atomic_size_t next;
    _Atomic uint64_t correct, skipped, used;
} hyb;

typedef struct sample { uint32_t i, j; uint64_t x; float *bi, *bj; } sample;
typedef struct tally { uint64_t correct, skipped, used; } tally;

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

/* BPR's update of the id rows, the gradient taken at the summed vectors
 * pe, ae, be (which may be pu, qi, qj themselves: each 4-float chunk is
 * loaded whole before it is stored, as BPR does). */
static inline void update(float *pu, float *qi, float *qj, const float *pe, const float *ae,
                          const float *be, int k, float z, float lr, float reg)
{
    int f = 0;
    for (; f + 4 <= k; f += 4) {
        rs_mf_v4 p = rs_mf_ld(pu + f), a = rs_mf_ld(qi + f), b = rs_mf_ld(qj + f);
        rs_mf_v4 P = rs_mf_ld(pe + f), A = rs_mf_ld(ae + f), B = rs_mf_ld(be + f);
        rs_mf_st(pu + f, p + lr * (z * (A - B) - reg * p));
        rs_mf_st(qi + f, a + lr * (z * P - reg * a));
        rs_mf_st(qj + f, b + lr * (-z * P - reg * b));
    }
    for (; f < k; f++) {
        float p = pu[f], a = qi[f], b = qj[f], P = pe[f], A = ae[f], B = be[f];
        pu[f] = p + lr * (z * (A - B) - reg * p);
        qi[f] = a + lr * (z * P - reg * a);
        qj[f] = b + lr * (-z * P - reg * b);
    }
}

/* out = id + sum of the row's feature embeddings times their weights; the
 * id row itself when the row has no features. */
static inline const float *summed(const side *s, uint32_t r, const float *id, const float *F,
                                  size_t stride, int k, float *out)
{
    if (!s->indptr || s->indptr[r] == s->indptr[r + 1]) return id;
    memcpy(out, id, (size_t)k * sizeof *out);
    for (uint64_t x = s->indptr[r]; x < s->indptr[r + 1]; x++) {
        const float *row = F + (size_t)s->indices[x] * stride;
        float w = s->w[x];
        int f = 0;
        for (; f + 4 <= k; f += 4) rs_mf_st(out + f, rs_mf_ld(out + f) + w * rs_mf_ld(row + f));
        for (; f < k; f++) out[f] += w * row[f];
    }
    return out;
}

static inline float summed_bias(const side *s, uint32_t r, float b, const float *Ib)
{
    if (!s->indptr) return b;
    for (uint64_t x = s->indptr[r]; x < s->indptr[r + 1]; x++) b += s->w[x] * Ib[s->indices[x]];
    return b;
}

/* Feature rows of r get w (sign z g - reg row), g the gradient's vector:
 * the penalty too in proportion to the weight, so a feature shared by
 * many items is not shrunk at every step of every one of them (with the
 * full penalty per step, genres ended near 0: ml-100k's cold-item NDCG@10
 * was 0.158 with it, 0.197 without any). */
static inline void update_features(const side *s, uint32_t r, float *F, size_t stride,
                                   const float *g, const float *h, int k, float zs, float lr,
                                   float reg)
{
    for (uint64_t x = s->indptr[r]; x < s->indptr[r + 1]; x++) {
        float *row = F + (size_t)s->indices[x] * stride, wz = s->w[x] * zs, wr = s->w[x] * reg;
        int f = 0;
        if (h) {
            for (; f + 4 <= k; f += 4) {
                rs_mf_v4 v = rs_mf_ld(row + f);
                rs_mf_st(row + f, v + lr * (wz * (rs_mf_ld(g + f) - rs_mf_ld(h + f)) - wr * v));
            }
            for (; f < k; f++) row[f] += lr * (wz * (g[f] - h[f]) - wr * row[f]);
        } else {
            for (; f + 4 <= k; f += 4) {
                rs_mf_v4 v = rs_mf_ld(row + f);
                rs_mf_st(row + f, v + lr * (wz * rs_mf_ld(g + f) - wr * v));
            }
            for (; f < k; f++) row[f] += lr * (wz * g[f] - wr * row[f]);
        }
    }
}

static inline uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Id dropout (as DropoutNet does for cold start): a sample whose hash,
 * made of the seed, the iteration, the user and the sample's draws, is
 * below H->drop sees its two items through their features alone and
 * trains only those and the user, so the features learn to stand for an
 * item without the id (the hash leaves BPR's random streams as they are). */
static inline int dropped(const hyb *H, uint32_t u, sample d)
{
    if (!H->drop || !H->is.indptr) return 0;
    uint64_t h = mix(H->o->seed ^ mix(H->iteration << 32 ^ u) ^ mix(d.x ^ ((uint64_t)d.i << 32 | d.j)));
    return h < H->drop;
}

/* One sample (u, i, j): skipped or one SGD step. */
static inline void step(const hyb *H, const tables *T, float *buf, const uint32_t *row,
                        uint64_t n, uint32_t u, float *pu, sample d, tally *c)
{
    const int k = H->k;
    const float lr = (float)H->o->lr, reg = (float)H->o->reg;
    uint32_t i = d.i, j = d.j;
    if (i == j || (H->o->verify && has(row, n, j))) {
        c->skipped++;
        return;
    }
    const size_t st = H->stride;
    float *qi = H->V + (size_t)i * st, *qj = H->V + (size_t)j * st;
    const float *pe = summed(&H->us, u, pu, T->UF, st, k, buf);
    int drop = dropped(H, u, d);
    const float *ae = summed(&H->is, i, drop ? H->zero : qi, T->IF, st, k, buf + st);
    const float *be = summed(&H->is, j, drop ? H->zero : qj, T->IF, st, k, buf + 2 * st);
    float bie = summed_bias(&H->is, i, drop ? 0 : *d.bi, T->Ib);
    float bje = summed_bias(&H->is, j, drop ? 0 : *d.bj, T->Ib);
    float z = 1.0f / (1.0f + expf(diff_dot(pe, ae, be, k) + (bie - bje)));
    c->correct += z < 0.5f;
    c->used++;
    /* The features first: they read the summed vectors, which may be the
     * id rows that update() then changes. */
    if (H->us.indptr) update_features(&H->us, u, T->UF, st, ae, be, k, z, lr, reg);
    if (H->is.indptr) {
        update_features(&H->is, i, T->IF, st, pe, NULL, k, z, lr, reg);
        update_features(&H->is, j, T->IF, st, pe, NULL, k, -z, lr, reg);
        for (uint64_t x = H->is.indptr[i]; x < H->is.indptr[i + 1]; x++) {
            float *b = T->Ib + H->is.indices[x];
            *b += lr * H->is.w[x] * (z - reg * *b);
        }
        for (uint64_t x = H->is.indptr[j]; x < H->is.indptr[j + 1]; x++) {
            float *b = T->Ib + H->is.indices[x];
            *b += lr * H->is.w[x] * (-z - reg * *b);
        }
    }
    if (drop) {
        int f = 0;
        for (; f + 4 <= k; f += 4) {
            rs_mf_v4 p = rs_mf_ld(pu + f);
            rs_mf_st(pu + f, p + lr * (z * (rs_mf_ld(ae + f) - rs_mf_ld(be + f)) - reg * p));
        }
        for (; f < k; f++) pu[f] += lr * (z * (ae[f] - be[f]) - reg * pu[f]);
        return;
    }
    update(pu, qi, qj, pe, ae, be, k, z, lr, reg);
    *d.bi += lr * (z - reg * *d.bi);
    *d.bj += lr * (-z - reg * *d.bj);
}

static void add_tally(hyb *H, const tally *c)
{
    atomic_fetch_add(&H->correct, c->correct);
    atomic_fetch_add(&H->skipped, c->skipped);
    atomic_fetch_add(&H->used, c->used);
}

/* One thread: BPR's worker (its draws in its order, without the
 * prefetching ring: a sample's draws come just before its step). */
static int worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    hyb *H = arg;
    float *buf = rs_xmalloc(3 * H->stride * sizeof *buf);
    tally c = { 0, 0, 0 };
    for (;;) {
        size_t c0 = atomic_fetch_add(&H->next, CHUNK);
        if (c0 >= H->users) break;
        size_t c1 = c0 + CHUNK < H->users ? c0 + CHUNK : H->users;
        rs_rng rng;
        rs_rng_seed2(&rng, H->o->seed, (H->iteration << 32) + c0 / CHUNK);
        for (size_t u_at = c0; u_at < c1; u_at++) {
            uint32_t u = H->perm[u_at];
            uint64_t lo = H->indptr[u], n = H->indptr[u + 1] - lo;
            const uint32_t *row = H->indices + lo;
            float *pu = H->U + (size_t)u * H->stride;
            for (uint64_t s = 0; s < n; s++) {
                sample d;
                d.i = row[rs_rng_below(&rng, n)];
                d.x = s;
                if (H->noise) d.j = rs_alias_draw(H->noise, H->items, rs_rng_u64(&rng));
                else d.j = (uint32_t)rs_rng_below(&rng, H->items);
                d.bi = H->bi + d.i;
                d.bj = H->bi + d.j;
                step(H, &H->loc[0], buf, row, n, u, pu, d, &c);
            }
        }
    }
    free(buf);
    add_tally(H, &c);
    return 0;
}

/* Threads > 1: BPR's strata_worker, on this thread's feature tables. */
static int strata_worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    hyb *H = arg;
    const int T = H->strata;
    const unsigned char b = (unsigned char)((t + H->sub) % T);
    const stratum *st = &H->stratum[b];
    size_t u0 = (size_t)H->users * (size_t)t / (size_t)T, u1 = (size_t)H->users * (size_t)(t + 1) / (size_t)T;
    uint32_t *mine = rs_xmalloc(((size_t)H->maxrow + 1) * sizeof *mine);
    float *buf = rs_xmalloc(3 * H->stride * sizeof *buf);
    tally c = { 0, 0, 0 };
    rs_rng rng;
    rs_rng_seed2(&rng, H->o->seed, (H->iteration << 32) + (uint64_t)H->sub * (uint64_t)T + (uint64_t)t);
    for (size_t u_at = u0; u_at < u1; u_at++) {
        uint32_t u = H->perm[u_at];
        uint64_t lo = H->indptr[u], n = H->indptr[u + 1] - lo, m = 0;
        const uint32_t *row = H->indices + lo;
        for (uint64_t x = 0; x < n; x++)
            if (H->block[row[x]] == b) mine[m++] = row[x];
        float *pu = H->U + (size_t)u * H->stride;
        for (uint64_t s = 0; s < m; s++) {
            sample d;
            d.i = mine[rs_rng_below(&rng, m)];
            d.x = s;
            uint32_t l = rs_alias_draw(st->noise, st->n, rs_rng_u64(&rng));
            d.j = st->items[l];
            d.bi = st->bias + H->local[d.i];
            d.bj = st->bias + l;
            step(H, &H->loc[t], buf, row, n, u, pu, d, &c);
        }
    }
    free(buf);
    free(mine);
    add_tally(H, &c);
    return 0;
}

static int rows_sorted(const rs_csr *a)
{
    for (uint32_t u = 0; u < a->rows; u++)
        for (uint64_t x = a->indptr[u] + 1; x < a->indptr[u + 1]; x++)
            if (a->indices[x - 1] > a->indices[x]) return 0;
    return 1;
}

/* BPR's initialization, draw for draw. */
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

typedef struct strata {
    int n;
    unsigned char *block;
    stratum *sts;
    double *weight, *bw;
    uint32_t *local;
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

static void strata_gather(const strata *S, float *bi)
{
    for (int b = 0; b < S->n; b++)
        for (uint32_t n = 0; n < S->sts[b].n; n++) bi[S->sts[b].items[n]] = S->sts[b].bias[n];
}

/* Sizes of the feature tables, in floats. */
static size_t if_floats(const hyb *H) { return (size_t)H->is.n * H->stride; }
static size_t uf_floats(const hyb *H) { return (size_t)H->us.n * H->stride; }

/* The threads' copies from the master (loc[0] is the master with one
 * thread; with T, the master is loc[T]). */
static void tables_copy(hyb *H, int T)
{
    const tables *m = &H->loc[T];
    for (int t = 0; t < T; t++) {
        if (m->IF) memcpy(H->loc[t].IF, m->IF, if_floats(H) * sizeof(float));
        if (m->Ib) memcpy(H->loc[t].Ib, m->Ib, (size_t)H->is.n * sizeof(float));
        if (m->UF) memcpy(H->loc[t].UF, m->UF, uf_floats(H) * sizeof(float));
    }
}

/* The master = the mean of the threads' copies, summed in thread order. */
static void tables_average(hyb *H, int T)
{
    tables *m = &H->loc[T];
    float inv = 1.0f / (float)T;
    if (m->IF)
        for (size_t x = 0; x < if_floats(H); x++) {
            float s = 0;
            for (int t = 0; t < T; t++) s += H->loc[t].IF[x];
            m->IF[x] = s * inv;
        }
    if (m->Ib)
        for (size_t x = 0; x < H->is.n; x++) {
            float s = 0;
            for (int t = 0; t < T; t++) s += H->loc[t].Ib[x];
            m->Ib[x] = s * inv;
        }
    if (m->UF)
        for (size_t x = 0; x < uf_floats(H); x++) {
            float s = 0;
            for (int t = 0; t < T; t++) s += H->loc[t].UF[x];
            m->UF[x] = s * inv;
        }
}

static int iterate(hyb *H, strata *S, const rs_csr *a, rs_rng *rng, float *bi, int it, rs_err *e)
{
    rs_rng_shuffle_u32(rng, H->perm, a->rows);
    H->iteration = (uint64_t)it;
    atomic_store(&H->next, 0);
    atomic_store(&H->correct, 0);
    atomic_store(&H->skipped, 0);
    atomic_store(&H->used, 0);
    if (S->n <= 1) return rs_parallel_for(1, 1, worker, H, e);
    strata_deal(S, a, rng, bi);
    int rc = 0;
    for (H->sub = 0; H->sub < S->n && rc == 0; H->sub++) {
        tables_copy(H, S->n);
        rc = rs_parallel_for(S->n, (size_t)S->n, strata_worker, H, e);
        tables_average(H, S->n);
    }
    strata_gather(S, bi);
    return rc;
}

static float *falloc(size_t n)
{
    size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
    float *p = aligned_alloc(64, bytes ? bytes : 64);
    if (p) memset(p, 0, bytes ? bytes : 64);
    return p;
}

/* A side's weights, each row scaled to sum 1, zeros dropped. */
static void side_make(side *s, const rs_csr *m)
{
    memset(s, 0, sizeof *s);
    if (!m || !m->nnz) return;
    s->n = m->cols;
    s->indptr = rs_xcalloc((size_t)m->rows + 1, sizeof *s->indptr);
    s->indices = rs_xmalloc(m->nnz * sizeof *s->indices);
    s->w = rs_xmalloc(m->nnz * sizeof *s->w);
    uint64_t n = 0;
    for (uint32_t r = 0; r < m->rows; r++) {
        double sum = 0;
        for (uint64_t x = m->indptr[r]; x < m->indptr[r + 1]; x++) sum += m->values[x];
        if (sum > 0)
            for (uint64_t x = m->indptr[r]; x < m->indptr[r + 1]; x++)
                if (m->values[x] > 0) {
                    s->indices[n] = m->indices[x];
                    s->w[n++] = (float)(m->values[x] / sum);
                }
        s->indptr[r + 1] = n;
    }
    if (n == 0) {
        free(s->indptr);
        free(s->indices);
        free(s->w);
        memset(s, 0, sizeof *s);
    }
}

static void side_free(side *s)
{
    free(s->indptr);
    free(s->indices);
    free(s->w);
}

static int finite_after(const hyb *H, const tables *m, int it, rs_err *e)
{
    char stepname[32], hint[256];
    snprintf(stepname, sizeof stepname, "iteration %d", it);
    snprintf(hint, sizeof hint, "the learning rate (--lr %g) is too large, or the regularization "
             "(--reg %g) too weak; try --lr %g", H->o->lr, H->o->reg, RS_BPR_LR);
    size_t st = H->stride;
    if (rs_diverged_f32("hybrid", stepname, "a user factor", H->U, H->users * st, st, hint, e) < 0 ||
        rs_diverged_f32("hybrid", stepname, "an item factor", H->V, H->items * st, st, hint, e) < 0 ||
        rs_diverged_f32("hybrid", stepname, "an item bias", H->bi, H->items, 1, hint, e) < 0 ||
        (m->IF && rs_diverged_f32("hybrid", stepname, "an item feature factor", m->IF,
                                  if_floats(H), st, hint, e) < 0) ||
        (m->Ib && rs_diverged_f32("hybrid", stepname, "an item feature bias", m->Ib, H->is.n, 1,
                                  hint, e) < 0) ||
        (m->UF && rs_diverged_f32("hybrid", stepname, "a user feature factor", m->UF,
                                  uf_floats(H), st, hint, e) < 0))
        return -1;
    return 0;
}

static int check(const rs_csr *a, const rs_csr *ifeat, const rs_csr *ufeat, const rs_bpr_opts *o,
                 rs_err *e)
{
    if (o->iterations < 0) return rs_errf(e, RS_EUSAGE, "--iterations must be >= 0");
    if (!(o->lr > 0) || !isfinite(o->lr)) return rs_errf(e, RS_EUSAGE, "--lr must be > 0");
    if (!(o->reg >= 0) || !isfinite(o->reg)) return rs_errf(e, RS_EUSAGE, "--reg must be >= 0");
    if (!isfinite(o->ns_exponent) || fabs(o->ns_exponent) > 100)
        return rs_errf(e, RS_EUSAGE, "--ns-exponent must be in -100..100");
    if (o->threads < 1) return rs_errf(e, RS_EUSAGE, "threads must be >= 1");
    if (ifeat && ifeat->rows != a->cols)
        return rs_errf(e, RS_EDATA, "item features: %u rows for %u items", ifeat->rows, a->cols);
    if (ufeat && ufeat->rows != a->rows)
        return rs_errf(e, RS_EDATA, "user features: %u rows for %u users", ufeat->rows, a->rows);
    return rs_mf_check(a, o->k, e);
}

/* Uniform in [-0.5, 0.5) / k on the first k floats of each row. */
static void init_table(float *F, size_t rows, size_t stride, int k, rs_rng *rng)
{
    for (size_t r = 0; r < rows; r++)
        for (int f = 0; f < k; f++) F[r * stride + (size_t)f] = (float)((rs_rng_double(rng) - 0.5) / k);
}

int rs_hybrid_fit(const rs_csr *a, const rs_csr *ifeat, const rs_csr *ufeat,
                  const rs_hybrid_opts *ho, rs_hybrid *h, rs_err *e)
{
    const rs_bpr_opts *o = &ho->bpr;
    memset(h, 0, sizeof *h);
    if (!(ho->id_dropout >= 0 && ho->id_dropout <= 1))
        return rs_errf(e, RS_EUSAGE, "--id-dropout must be in 0..1");
    if (check(a, ifeat, ufeat, o, e) < 0) return -1;
    const int k = o->k;
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
    int nstrata = o->threads < 256 ? o->threads : 255;
    if ((uint32_t)nstrata > a->rows) nstrata = (int)a->rows;
    if ((uint32_t)nstrata > a->cols) nstrata = (int)a->cols;
    strata S = { .n = nstrata };
    if (nstrata > 1) strata_init(&S, a, nstrata, o->ns_exponent);
    rs_alias *noise = nstrata > 1 ? NULL : rs_mf_noise(a, o->ns_exponent);
    uint32_t maxrow = 0;
    for (uint32_t u = 0; u < a->rows; u++)
        if (a->indptr[u + 1] - a->indptr[u] > maxrow) maxrow = (uint32_t)(a->indptr[u + 1] - a->indptr[u]);
    hyb H = { .o = o, .indptr = sorted->indptr, .indices = sorted->indices, .users = a->rows,
              .items = a->cols, .perm = perm, .U = U, .V = V, .bi = bi, .stride = stride,
              .k = k, .noise = noise, .block = S.block, .stratum = S.sts, .local = S.local,
              .strata = nstrata, .maxrow = maxrow };
    float *zero = falloc(stride);
    H.zero = zero;
    H.drop = (uint64_t)(ldexp(ho->id_dropout, 64) < 0x1p64 ? ldexp(ho->id_dropout, 64) : 0x1p64 - 2048);
    side_make(&H.is, ifeat);
    side_make(&H.us, ufeat);
    /* The master tables (loc[0] with one thread, loc[T] with T), then the
     * threads' copies; the master starts from a stream of its own, so the
     * id side draws what BPR draws. */
    int T = nstrata > 1 ? nstrata : 0;
    H.loc = rs_xcalloc((size_t)T + 1, sizeof *H.loc);
    rs_rng frng;
    rs_rng_seed2(&frng, o->seed, 0x6879627269640000ull);
    for (int t = 0; t <= T; t++) {
        if (H.is.indptr) {
            H.loc[t].IF = falloc(if_floats(&H));
            H.loc[t].Ib = falloc(H.is.n);
        }
        if (H.us.indptr) H.loc[t].UF = falloc(uf_floats(&H));
    }
    tables *master = &H.loc[T];
    if (master->IF) init_table(master->IF, H.is.n, stride, k, &frng);
    if (master->UF) init_table(master->UF, H.us.n, stride, k, &frng);
    int rc = 0;
    for (int it = 1; it <= o->iterations && rc == 0; it++) {
        double t0 = rs_now();
        rc = iterate(&H, &S, a, &rng, bi, it, e);
        if (rc == 0) rc = finite_after(&H, master, it, e);
        if (rc == 0 && o->iteration_done) {
            uint64_t used = atomic_load(&H.used);
            o->iteration_done(o->ctx, it, used ? (double)atomic_load(&H.correct) / (double)used : NAN,
                              (double)atomic_load(&H.skipped) / (double)a->nnz, rs_now() - t0);
        }
        if (o->progress) rs_progress_update(o->progress, (uint64_t)it, (uint64_t)o->iterations, "iterations");
    }
    free(perm);
    strata_free(&S);
    free(noise);
    if (sorted == &copy) rs_csr_free(&copy);
    if (rc == 0) {
        rs_mf *m = &h->mf;
        rs_mf_alloc(m, a->rows, a->cols, k, 0, 1);
        float *buf = rs_xmalloc(stride * sizeof *buf);
        for (uint32_t u = 0; u < a->rows; u++)
            memcpy(m->P + (size_t)u * k, summed(&H.us, u, U + (size_t)u * stride, master->UF,
                                                stride, k, buf), (size_t)k * sizeof(float));
        for (uint32_t i = 0; i < a->cols; i++) {
            memcpy(m->Q + (size_t)i * k, summed(&H.is, i, V + (size_t)i * stride, master->IF,
                                                stride, k, buf), (size_t)k * sizeof(float));
            m->bi[i] = summed_bias(&H.is, i, bi[i], master->Ib);
        }
        free(buf);
        m->g = 0;
        h->nif = H.is.indptr ? H.is.n : 0;
        h->nuf = H.us.indptr ? H.us.n : 0;
        if (master->IF) {
            h->IF = rs_xmalloc(((size_t)h->nif * k + 1) * sizeof *h->IF);
            h->Ib = rs_xmalloc(((size_t)h->nif + 1) * sizeof *h->Ib);
            for (uint32_t f = 0; f < h->nif; f++)
                memcpy(h->IF + (size_t)f * k, master->IF + f * stride, (size_t)k * sizeof(float));
            memcpy(h->Ib, master->Ib, (size_t)h->nif * sizeof(float));
        }
        if (master->UF) {
            h->UF = rs_xmalloc(((size_t)h->nuf * k + 1) * sizeof *h->UF);
            for (uint32_t f = 0; f < h->nuf; f++)
                memcpy(h->UF + (size_t)f * k, master->UF + f * stride, (size_t)k * sizeof(float));
        }
    }
    for (int t = 0; t <= T; t++) {
        free(H.loc[t].IF);
        free(H.loc[t].Ib);
        free(H.loc[t].UF);
    }
    free(H.loc);
    free(zero);
    side_free(&H.is);
    side_free(&H.us);
    free(U);
    free(V);
    free(bi);
    return rc;
}

void rs_hybrid_put(rs_hybrid *h, const rs_hybrid_opts *ho, rs_bundle *b)
{
    const rs_bpr_opts *o = &ho->bpr;
    int k = h->mf.k;
    rs_mf_put(&h->mf, "hybrid", b);
    rs_mf_meta_double(b, "lr", o->lr);
    rs_mf_meta_double(b, "reg", o->reg);
    rs_mf_meta_u64(b, "iterations", (uint64_t)o->iterations);
    rs_mf_meta_u64(b, "seed", o->seed);
    rs_mf_meta_double(b, "ns_exponent", o->ns_exponent);
    rs_meta_set(b, "verify_negatives", o->verify ? "1" : "0");
    rs_mf_meta_double(b, "id_dropout", ho->id_dropout);
    rs_mf_meta_u64(b, "item_features", h->nif);
    rs_mf_meta_u64(b, "user_features", h->nuf);
    if (h->IF) {
        rs_bundle_put(b, "ifeat_factors", RS_F32, h->nif, (uint64_t)k, h->IF, 1);
        rs_bundle_put(b, "ifeat_bias", RS_F32, h->nif, 1, h->Ib, 1);
    }
    if (h->UF) rs_bundle_put(b, "ufeat_factors", RS_F32, h->nuf, (uint64_t)k, h->UF, 1);
    h->IF = h->Ib = h->UF = NULL;
}

void rs_hybrid_free(rs_hybrid *h)
{
    rs_mf_free(&h->mf);
    free(h->IF);
    free(h->Ib);
    free(h->UF);
    memset(h, 0, sizeof *h);
}
