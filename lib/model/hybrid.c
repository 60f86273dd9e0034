/* hybrid.c: BPR with side features (hybrid.h).  The sampling, the strata
 * and the random streams are BPR's own (bpr_sgd.h), so that without
 * features the model is BPR's exactly; what is added is the step: the
 * summing of feature embeddings into each sample's vectors and their
 * updates. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/bpr_sgd.h"
#include "model/hybrid.h"

/* One side's features, weights scaled to sum 1 per row, zeros dropped. */
typedef struct side {
    uint64_t *indptr;           /* NULL: no features on this side */
    uint32_t *indices;
    float *w;
    uint32_t n;                 /* features */
} side;

/* The feature tables: the item features' embeddings and biases that
 * stand for an item in the features-only steps (and make a cold item's
 * vector), those that are added to a warm item's id in BPR's steps, the
 * user features' embeddings.  Without features-only steps (id_dropout 0)
 * the two item tables are one (FW is FI, BW is BI): LightFM's model. */
enum { FI, BI, FW, BW, FU, NTAB };
static const char *const tab_name[NTAB] = {
    "an item feature factor", "an item feature bias", "an item feature factor (warm)",
    "an item feature bias (warm)", "a user feature factor" };

/* A thread's tables (its copy in a sub-epoch, or the master). */
typedef struct tables { float *t[NTAB]; } tables;

typedef struct hyb {
    rs_bprs B;                  /* BPR's machinery: ids, order, noise, strata */
    side is, us;
    const float *zero;          /* a row of zeros: the id part of an item in a features-only step */
    uint64_t drop;              /* a sample has a features-only step too when its hash < drop */
    rs_alias *fnoise;           /* the features-only steps' negatives, or NULL: uniform */
    float flr, freg;            /* their learning rate and penalty */
    size_t n[NTAB];             /* floats of each table (0: none, or one shared with another) */
    tables *loc;                /* per thread */
} hyb;

/* A thread's view: its tables and its scratch for the summed vectors;
 * with WARP the stratum its negatives come from (or NULL), the user's
 * summed vector and the last negative's of the sample at hand. */
typedef struct thr {
    const hyb *H;
    const tables *T;
    float *buf;
    const rs_bprs_stratum *st;
    const float *pe, *be;
} thr;

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
 * id row itself when the row has no features.  The first feature is added
 * on the way from id to out (the same sums as a copy and then the adds,
 * one pass fewer: the copy was a tenth of the training's time). */
static inline const float *summed(const side *s, uint32_t r, const float *id, const float *F,
                                  size_t stride, int k, float *out)
{
    if (!s->indptr || s->indptr[r] == s->indptr[r + 1]) return id;
    {
        const uint64_t x = s->indptr[r];
        const float *row = F + (size_t)s->indices[x] * stride;
        float w = s->w[x];
        int f = 0;
        for (; f + 4 <= k; f += 4) rs_mf_st(out + f, rs_mf_ld(id + f) + w * rs_mf_ld(row + f));
        for (; f < k; f++) out[f] = id[f] + w * row[f];
    }
    for (uint64_t x = s->indptr[r] + 1; x < s->indptr[r + 1]; x++) {
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
static inline void update_features(const side *s, uint32_t r, float *F, float *Bt,
                                   size_t stride, const float *g, const float *h, int k, float zs,
                                   float lr, float reg)
{
    for (uint64_t x = s->indptr[r]; x < s->indptr[r + 1]; x++) {
        float *row = F + (size_t)s->indices[x] * stride, wz = s->w[x] * zs, wr = s->w[x] * reg;
        if (Bt) {   /* the feature's bias (items only), in the same pass */
            float *b = Bt + s->indices[x];
            *b += lr * s->w[x] * (zs - reg * *b);
        }
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

/* A sample's hash, made of the seed, the iteration, the user and the
 * sample (its place s among the user's, and its items): it chooses the
 * samples with a features-only step and their negatives without touching
 * BPR's random streams. */
static inline uint64_t sample_hash(const hyb *H, uint32_t u, rs_bprs_sample d, uint64_t s)
{
    return rs_bprs_mix(H->B.o->seed ^ rs_bprs_mix(H->B.iteration << 32 ^ u) ^
                       rs_bprs_mix(s ^ ((uint64_t)d.i << 32 | d.j)));
}

/* A features-only step's negative: drawn anew from the features' noise (the
 * step writes no item's id row, so any item will do, in any block), not i
 * and, with verify, not one the user has (after 8 tries, the last drawn). */
static inline uint32_t feature_negative(const hyb *H, uint32_t u, uint32_t i, uint64_t h)
{
    const uint64_t lo = H->B.indptr[u], n = H->B.indptr[u + 1] - lo;
    uint32_t j = i;
    for (int t = 0; t < 8; t++) {
        h = rs_bprs_mix(h);
        j = H->fnoise ? rs_alias_draw(H->fnoise, H->B.items, h) : (uint32_t)rs_alias_column(H->B.items, h);
        if (j != i && !(H->B.o->verify && rs_bprs_has(H->B.indices + lo, n, j))) return j;
    }
    return j;
}

/* The item features' gradient step on the tables F (embeddings) and Bt
 * (biases) for i (sign +z) and j (-z), pe the user's summed vector. */
static inline void item_features(const hyb *H, float *F, float *Bt, uint32_t i, uint32_t j,
                                 const float *pe, float z, float lr, float reg)
{
    const size_t st = H->B.stride;
    const int k = H->B.k;
    update_features(&H->is, i, F, Bt, st, pe, NULL, k, z, lr, reg);
    update_features(&H->is, j, F, Bt, st, pe, NULL, k, -z, lr, reg);
}

/* BPR's step on (u, i, j) at the summed vectors: user id + user features,
 * item id + the warm item features; all of them learn, at --lr, --reg. */
static inline float id_step(const thr *th, uint32_t u, float *pu, rs_bprs_sample d)
{
    const hyb *H = th->H;
    float *const *T = th->T->t;
    float *buf = th->buf;
    const int k = H->B.k;
    const float lr = (float)H->B.o->lr, reg = (float)H->B.o->reg;
    const size_t st = H->B.stride;
    float *qi = H->B.V + (size_t)d.i * st, *qj = H->B.V + (size_t)d.j * st;
    const float *pe = summed(&H->us, u, pu, T[FU], st, k, buf);
    const float *ae = summed(&H->is, d.i, qi, T[FW], st, k, buf + st);
    const float *be = summed(&H->is, d.j, qj, T[FW], st, k, buf + 2 * st);
    float bie = summed_bias(&H->is, d.i, *d.bi, T[BW]), bje = summed_bias(&H->is, d.j, *d.bj, T[BW]);
    float z = 1.0f / (1.0f + expf(rs_bprs_diff_dot(pe, ae, be, k) + (bie - bje)));
    /* The features first: they read the summed vectors, which may be the
     * id rows that update() then changes. */
    if (H->us.indptr) update_features(&H->us, u, T[FU], NULL, st, ae, be, k, z, lr, reg);
    if (H->is.indptr) item_features(H, T[FW], T[BW], d.i, d.j, pe, z, lr, reg);
    update(pu, qi, qj, pe, ae, be, k, z, lr, reg);
    *d.bi += lr * (z - reg * *d.bi);
    *d.bj += lr * (-z - reg * *d.bj);
    return z;
}

/* The features-only step (id dropout, as DropoutNet does for cold start):
 * i and j seen through their features alone, as a cold item is, against
 * the user's summed vector, which stays as it is (moving it too made the
 * warm lists worse); the item and user features learn, at flr, freg. */
static inline void feature_step(const thr *th, uint32_t u, const float *pu, uint32_t i, uint32_t j)
{
    const hyb *H = th->H;
    float *const *T = th->T->t;
    float *buf = th->buf;
    const int k = H->B.k;
    const size_t st = H->B.stride;
    const float *pe = summed(&H->us, u, pu, T[FU], st, k, buf);
    const float *ae = summed(&H->is, i, H->zero, T[FI], st, k, buf + st);
    const float *be = summed(&H->is, j, H->zero, T[FI], st, k, buf + 2 * st);
    float z = 1.0f / (1.0f + expf(rs_bprs_diff_dot(pe, ae, be, k) +
                                  (summed_bias(&H->is, i, 0, T[BI]) - summed_bias(&H->is, j, 0, T[BI]))));
    if (H->us.indptr) update_features(&H->us, u, T[FU], NULL, st, ae, be, k, z, H->flr, H->freg);
    item_features(H, T[FI], T[BI], i, j, pe, z, H->flr, H->freg);
}

/* A used sample: BPR's step, then for a share drop of them the
 * features-only step, with a negative of its own. */
static inline float step(void *w, uint32_t u, float *pu, rs_bprs_sample d, uint64_t s)
{
    const thr *th = w;
    const hyb *H = th->H;
    float z = id_step(th, u, pu, d);
    if (H->drop) {
        uint64_t h = sample_hash(H, u, d, s);
        if (h < H->drop) feature_step(th, u, pu, d.i, feature_negative(H, u, d.i, h));
    }
    return z;
}

/* WARP (mf_bpr.h): negative j's score against the user's summed vector,
 * j seen as in BPR's steps (id and warm tables); its vector kept in be. */
static inline float warp_score(void *w, uint32_t j, const float *bj)
{
    thr *th = w;
    const hyb *H = th->H;
    float *const *T = th->T->t;
    const size_t st = H->B.stride;
    th->be = summed(&H->is, j, H->B.V + (size_t)j * st, T[FW], st, H->B.k, th->buf + 2 * st);
    return rs_mf_dot(th->pe, th->be, H->B.k) + summed_bias(&H->is, j, *bj, T[BW]);
}

/* id_step with WARP's search: the user's and the positive's summed
 * vectors formed once, each try one negative's; the update id_step's with
 * the violator and its weight, none found nothing moves (returns 0). */
static inline float warp_id_step(thr *th, uint32_t u, float *pu, rs_bprs_sample d, uint64_t s)
{
    const hyb *H = th->H;
    float *const *T = th->T->t;
    float *buf = th->buf;
    const int k = H->B.k;
    const size_t st = H->B.stride;
    float *qi = H->B.V + (size_t)d.i * st, z;
    const float *pe = summed(&H->us, u, pu, T[FU], st, k, buf);
    const float *ae = summed(&H->is, d.i, qi, T[FW], st, k, buf + st);
    th->pe = pe;
    float pos = rs_mf_dot(pe, ae, k) + summed_bias(&H->is, d.i, *d.bi, T[BW]);
    if (!rs_bprs_warp(&H->B, th->st, th, warp_score, u, s, &d, pos, &z)) return 0;
    if (z == 0) return 1;
    const float *be = th->be;
    const float lr = (float)H->B.o->lr, reg = (float)H->B.o->reg;
    if (H->us.indptr) update_features(&H->us, u, T[FU], NULL, st, ae, be, k, z, lr, reg);
    if (H->is.indptr) item_features(H, T[FW], T[BW], d.i, d.j, pe, z, lr, reg);
    update(pu, qi, H->B.V + (size_t)d.j * st, pe, ae, be, k, z, lr, reg);
    *d.bi += lr * (z - reg * *d.bi);
    *d.bj += lr * (-z - reg * *d.bj);
    return 1;
}

/* feature_step with WARP's search: up to max_sampled features-only
 * negatives (feature_negative's, one hash each) until one scores above
 * the positive's - 1. */
static inline void warp_feature_step(thr *th, uint32_t u, const float *pu, uint32_t i, uint64_t h)
{
    const hyb *H = th->H;
    float *const *T = th->T->t;
    float *buf = th->buf;
    const int k = H->B.k, max = H->B.o->max_sampled;
    const size_t st = H->B.stride;
    const float *pe = summed(&H->us, u, pu, T[FU], st, k, buf);
    const float *ae = summed(&H->is, i, H->zero, T[FI], st, k, buf + st);
    float pos = rs_mf_dot(pe, ae, k) + summed_bias(&H->is, i, 0, T[BI]);
    for (int t = 1; t <= max; t++) {
        uint32_t j = feature_negative(H, u, i, rs_bprs_mix(h + (uint64_t)t));
        const float *be = summed(&H->is, j, H->zero, T[FI], st, k, buf + 2 * st);
        if (j == i || !(rs_mf_dot(pe, be, k) + summed_bias(&H->is, j, 0, T[BI]) > pos - 1)) continue;
        float z = rs_bprs_warp_weight(H->B.items, t);
        if (z == 0) return;
        if (H->us.indptr) update_features(&H->us, u, T[FU], NULL, st, ae, be, k, z, H->flr, H->freg);
        item_features(H, T[FI], T[BI], i, j, pe, z, H->flr, H->freg);
        return;
    }
}

/* step with WARP's searches in both. */
static inline float warp_step(void *w, uint32_t u, float *pu, rs_bprs_sample d, uint64_t s)
{
    thr *th = w;
    const hyb *H = th->H;
    float r = warp_id_step(th, u, pu, d, s);
    if (H->drop) {
        uint64_t h = sample_hash(H, u, d, s);
        if (h < H->drop) warp_feature_step(th, u, pu, d.i, h);
    }
    return r;
}

/* One thread: BPR's worker on the master tables. */
static int worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    hyb *H = arg;
    thr w = { H, &H->loc[0], rs_xmalloc(3 * H->B.stride * sizeof(float)), NULL, NULL, NULL };
    if (H->B.o->loss == RS_BPR_LOSS_WARP) rs_bprs_chunks(&H->B, &w, warp_step);
    else rs_bprs_chunks(&H->B, &w, step);
    free(w.buf);
    return 0;
}

/* Threads > 1: BPR's strata, each thread on its copy of the tables. */
static int strata_worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    hyb *H = arg;
    thr w = { H, &H->loc[t], rs_xmalloc(3 * H->B.stride * sizeof(float)),
              &H->B.sts[(t + H->B.sub) % H->B.strata], NULL, NULL };
    if (H->B.o->loss == RS_BPR_LOSS_WARP) rs_bprs_stratum_run(&H->B, t, &w, warp_step);
    else rs_bprs_stratum_run(&H->B, t, &w, step);
    free(w.buf);
    return 0;
}

/* Before a sub-epoch: the threads' copies from the master (loc[0] is the
 * master with one thread; with T, the master is loc[T]). */
static void tables_copy(void *ctx)
{
    hyb *H = ctx;
    const int T = H->B.strata;
    for (int t = 0; t < T; t++)
        for (int x = 0; x < NTAB; x++)
            if (H->n[x]) memcpy(H->loc[t].t[x], H->loc[T].t[x], H->n[x] * sizeof(float));
}

/* After a sub-epoch: each master table = the mean of the threads' copies,
 * summed in thread order. */
static void tables_average(void *ctx)
{
    hyb *H = ctx;
    const int T = H->B.strata;
    float inv = 1.0f / (float)T;
    for (int x = 0; x < NTAB; x++) {
        float *m = H->loc[T].t[x];
        for (size_t y = 0; y < H->n[x]; y++) {
            float sum = 0;
            for (int t = 0; t < T; t++) sum += H->loc[t].t[x][y];
            m[y] = sum * inv;
        }
    }
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

/* After an iteration, the feature tables (BPR's loop checks the ids). */
static int finite_after(void *ctx, int it, rs_err *e)
{
    const hyb *H = ctx;
    const tables *m = &H->loc[H->B.strata > 1 ? H->B.strata : 0];
    for (int x = 0; x < NTAB; x++) {
        size_t st = x == BI || x == BW ? 1 : H->B.stride;
        if (H->n[x] && rs_bprs_diverged(&H->B, "hybrid", it, tab_name[x], m->t[x], H->n[x], st, e) < 0)
            return -1;
    }
    return 0;
}

/* The features-only tables are trained against other negatives and
 * penalties than the warm ones, so their scores are on a scale of their
 * own: a cold item would outrank every warm one, or none.  Put them on the
 * warm scale: over pairs (u, i), each training entry and, for each, an
 * item of the catalogue with interactions drawn by hash (the scores a
 * list is made of: her items and the others), the least-squares line
 * s_warm = c s_feat + d, s_warm the score of u's summed vector P[u] and
 * i's warm one (id and warm tables), s_feat that of its features alone;
 * then FI *= c and BI = c BI + d (an item's weights sum to 1, so its bias
 * gains d).  In entry order, in doubles: the same tables give the same
 * line. */
static void calibrate(const hyb *H, const rs_csr *a, const uint8_t *warm, const float *P,
                      float *fi, float *bif, const float *fw, const float *bw)
{
    const size_t st = H->B.stride;
    const int k = H->B.k;
    /* An item's two vectors and biases do not depend on the user: summed
     * once per item, not once per pair (that was most of this pass). */
    float *qw = rs_xmalloc(((size_t)a->cols * st + 1) * sizeof *qw);
    float *qf = rs_xmalloc(((size_t)a->cols * st + 1) * sizeof *qf);
    float *yb = rs_xmalloc(((size_t)a->cols + 1) * sizeof *yb);
    float *xb = rs_xmalloc(((size_t)a->cols + 1) * sizeof *xb);
    for (uint32_t i = 0; i < a->cols; i++) {
        if (!warm[i] || H->is.indptr[i] == H->is.indptr[i + 1]) continue;
        summed(&H->is, i, H->B.V + (size_t)i * st, fw, st, k, qw + (size_t)i * st);
        summed(&H->is, i, H->zero, fi, st, k, qf + (size_t)i * st);
        yb[i] = summed_bias(&H->is, i, H->B.bi[i], bw);
        xb[i] = summed_bias(&H->is, i, 0, bif);
    }
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (uint32_t u = 0; u < a->rows; u++) {
        const float *p = P + (size_t)u * k;
        for (uint64_t x = a->indptr[u]; x < a->indptr[u + 1]; x++)
            for (int other = 0; other < 2; other++) {
                uint32_t i = other ? (uint32_t)rs_alias_column(a->cols,
                                                               rs_bprs_mix(H->B.o->seed ^ rs_bprs_mix(x)))
                                  : a->indices[x];
                if (!warm[i] || H->is.indptr[i] == H->is.indptr[i + 1]) continue;
                const float *w = qw + (size_t)i * st, *f0 = qf + (size_t)i * st;
                double y = yb[i], xf = xb[i];
                for (int f = 0; f < k; f++) {
                    y += (double)p[f] * w[f];
                    xf += (double)p[f] * f0[f];
                }
                n++;
                sx += xf;
                sy += y;
                sxx += xf * xf;
                sxy += xf * y;
            }
    }
    free(qw);
    free(qf);
    free(yb);
    free(xb);
    double var = sxx - sx * sx / (n > 0 ? n : 1), c = 1, d = 0;
    if (n > 1 && var > 0) {
        c = (sxy - sx * sy / n) / var;
        d = (sy - c * sx) / n;
    }
    for (size_t x = 0; x < (size_t)H->is.n * st; x++) fi[x] = (float)(c * fi[x]);
    for (uint32_t f = 0; f < H->is.n; f++) bif[f] = (float)(c * bif[f] + d);
}

static int check(const rs_csr *a, const rs_csr *ifeat, const rs_csr *ufeat, const rs_bpr_opts *o,
                 rs_err *e)
{
    if (rs_bprs_check(o, e) < 0) return -1;
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

void rs_hybrid_defaults(rs_hybrid_opts *o)
{
    memset(o, 0, sizeof *o);
    rs_bpr_defaults(&o->bpr);
    o->id_dropout = RS_HYBRID_ID_DROPOUT;
    o->feature_ns_exponent = RS_HYBRID_FEATURE_NS_EXPONENT;
    o->feature_lr = RS_HYBRID_FEATURE_LR;
    o->feature_reg = RS_HYBRID_FEATURE_REG;
}

int rs_hybrid_fit(const rs_csr *a, const rs_csr *ifeat, const rs_csr *ufeat,
                  const rs_hybrid_opts *ho, rs_hybrid *h, rs_err *e)
{
    const rs_bpr_opts *o = &ho->bpr;
    memset(h, 0, sizeof *h);
    if (!(ho->id_dropout >= 0 && ho->id_dropout <= 1))
        return rs_errf(e, RS_EUSAGE, "--id-dropout must be in 0..1");
    if (!isfinite(ho->feature_ns_exponent) || fabs(ho->feature_ns_exponent) > 100)
        return rs_errf(e, RS_EUSAGE, "--feature-ns-exponent must be in -100..100");
    if (check(a, ifeat, ufeat, o, e) < 0) return -1;
    hyb H = { 0 };
    if (rs_bprs_init(&H.B, a, o, e) < 0) return -1;
    const int k = o->k;
    const size_t stride = H.B.stride;
    float *zero = rs_bprs_falloc(stride);
    H.zero = zero;
    H.drop = (uint64_t)(ldexp(ho->id_dropout, 64) < 0x1p64 ? ldexp(ho->id_dropout, 64) : 0x1p64 - 2048);
    side_make(&H.is, ifeat);
    side_make(&H.us, ufeat);
    if (!H.is.indptr) H.drop = 0;
    if (H.drop) H.fnoise = rs_mf_noise(a, ho->feature_ns_exponent);
    H.flr = (float)(ho->feature_lr > 0 ? ho->feature_lr : o->lr);
    H.freg = (float)(ho->feature_reg >= 0 ? ho->feature_reg : o->reg);
    if (H.is.indptr) {
        H.n[FI] = (size_t)H.is.n * stride;
        H.n[BI] = H.is.n;
        if (H.drop) {
            H.n[FW] = H.n[FI];
            H.n[BW] = H.n[BI];
        }
    }
    if (H.us.indptr) H.n[FU] = (size_t)H.us.n * stride;
    /* Either step can overflow (the features-only one feeds the ids
     * through the user features): the advice names both. */
    char hint[256];
    if (H.drop) {
        snprintf(hint, sizeof hint, "the learning rates (--lr %g, --feature-lr %g) are too large, or "
                 "the regularization (--reg %g, --feature-reg %g) too weak; try --lr %g --feature-lr %g",
                 o->lr, (double)H.flr, o->reg, (double)H.freg, RS_BPR_LR, RS_HYBRID_FEATURE_LR);
        H.B.hint = hint;
    }
    /* The master tables (loc[0] with one thread, loc[T] with T), then the
     * threads' copies; the master starts from a stream of its own, so the
     * id side draws what BPR draws. */
    int T = H.B.strata > 1 ? H.B.strata : 0;
    H.loc = rs_xcalloc((size_t)T + 1, sizeof *H.loc);
    for (int t = 0; t <= T; t++) {
        for (int x = 0; x < NTAB; x++)
            if (H.n[x]) H.loc[t].t[x] = rs_bprs_falloc(H.n[x]);
        if (!H.n[FW]) {
            H.loc[t].t[FW] = H.loc[t].t[FI];
            H.loc[t].t[BW] = H.loc[t].t[BI];
        }
    }
    tables *master = &H.loc[T];
    float **M = master->t;
    rs_rng frng;
    rs_rng_seed2(&frng, o->seed, 0x6879627269640000ull);
    if (H.n[FI]) init_table(M[FI], H.is.n, stride, k, &frng);
    if (H.n[FU]) init_table(M[FU], H.us.n, stride, k, &frng);
    if (H.n[FW]) init_table(M[FW], H.is.n, stride, k, &frng);
    rs_bprs_hooks hooks = { .worker = worker, .strata_worker = strata_worker,
                            .sub_begin = tables_copy, .sub_end = tables_average,
                            .finite = finite_after };
    int rc = rs_bprs_train(&H.B, "hybrid", &hooks, &H, NULL, e);
    if (rc == 0) {
        const float *U = H.B.U, *V = H.B.V, *bi = H.B.bi;
        rs_mf *m = &h->mf;
        rs_mf_alloc(m, a->rows, a->cols, k, 0, 1);
        float *buf = rs_xmalloc(stride * sizeof *buf);
        uint8_t *warm = rs_xcalloc((size_t)a->cols + 1, 1);
        for (uint64_t x = 0; x < a->nnz; x++) warm[a->indices[x]] = 1;
        for (uint32_t u = 0; u < a->rows; u++)
            memcpy(m->P + (size_t)u * k, summed(&H.us, u, U + (size_t)u * stride, M[FU],
                                                stride, k, buf), (size_t)k * sizeof(float));
        if (H.n[FW]) calibrate(&H, a, warm, m->P, M[FI], M[BI], M[FW], M[BW]);
        /* An item with interactions: its id and the warm tables; one
         * without (a cold item, whose id is 0): its features alone. */
        for (uint32_t i = 0; i < a->cols; i++) {
            const float *F = warm[i] ? M[FW] : M[FI], *Bt = warm[i] ? M[BW] : M[BI];
            memcpy(m->Q + (size_t)i * k, summed(&H.is, i, V + (size_t)i * stride, F, stride, k, buf),
                   (size_t)k * sizeof(float));
            m->bi[i] = summed_bias(&H.is, i, bi[i], Bt);
        }
        free(warm);
        free(buf);
        m->g = 0;
        h->nif = H.is.indptr ? H.is.n : 0;
        h->nuf = H.us.indptr ? H.us.n : 0;
        if (H.n[FI]) {
            h->IF = rs_xmalloc(((size_t)h->nif * k + 1) * sizeof *h->IF);
            h->Ib = rs_xmalloc(((size_t)h->nif + 1) * sizeof *h->Ib);
            for (uint32_t f = 0; f < h->nif; f++)
                memcpy(h->IF + (size_t)f * k, M[FI] + f * stride, (size_t)k * sizeof(float));
            memcpy(h->Ib, M[BI], (size_t)h->nif * sizeof(float));
        }
        if (H.n[FU]) {
            h->UF = rs_xmalloc(((size_t)h->nuf * k + 1) * sizeof *h->UF);
            for (uint32_t f = 0; f < h->nuf; f++)
                memcpy(h->UF + (size_t)f * k, M[FU] + f * stride, (size_t)k * sizeof(float));
        }
    }
    for (int t = 0; t <= T; t++)
        for (int x = 0; x < NTAB; x++)
            if (H.n[x]) free(H.loc[t].t[x]);
    free(H.loc);
    free(zero);
    free(H.fnoise);
    side_free(&H.is);
    side_free(&H.us);
    rs_bprs_free(&H.B);
    return rc;
}

void rs_hybrid_put(rs_hybrid *h, const rs_hybrid_opts *ho, rs_bundle *b)
{
    int k = h->mf.k;
    rs_mf_put(&h->mf, "hybrid", b);
    rs_bprs_put_meta(&ho->bpr, b);
    rs_mf_meta_double(b, "id_dropout", ho->id_dropout);
    rs_mf_meta_double(b, "feature_lr", ho->feature_lr);
    rs_mf_meta_double(b, "feature_reg", ho->feature_reg);
    rs_mf_meta_double(b, "feature_ns_exponent", ho->feature_ns_exponent);
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
