/* hybrid.c: BPR with side features (hybrid.h).  The sampling, the strata
 * and the random streams are BPR's own (bpr_sgd.h), so that without
 * features the model is BPR's exactly; what is added is the step: the
 * summing of feature embeddings into each sample's vectors and their
 * updates. */
#include <math.h>
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

/* A thread's feature embeddings (its copy in a sub-epoch, or the master). */
typedef struct tables { float *IF, *Ib, *UF; } tables;

typedef struct hyb {
    rs_bprs B;                  /* BPR's machinery: ids, order, noise, strata */
    side is, us;
    const float *zero;          /* a row of zeros: the id part of a dropped item */
    uint64_t drop;              /* id dropout: a sample drops its items' ids when its hash < drop */
    tables *loc;                /* per thread */
} hyb;

/* A thread's view: its tables and its scratch for the summed vectors. */
typedef struct thr { const hyb *H; const tables *T; float *buf; } thr;

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
 * made of the seed, the iteration, the user and the sample (its place s
 * among the user's and its items), is below H->drop sees its two items
 * through their features alone and trains only those and the user, so the
 * features learn to stand for an item without the id (the hash leaves
 * BPR's random streams as they are). */
static inline int dropped(const hyb *H, uint32_t u, rs_bprs_sample d, uint64_t s)
{
    if (!H->drop || !H->is.indptr) return 0;
    uint64_t h = mix(H->B.o->seed ^ mix(H->B.iteration << 32 ^ u) ^ mix(s ^ ((uint64_t)d.i << 32 | d.j)));
    return h < H->drop;
}

/* One SGD step on a used sample (u, i, j), at the summed vectors. */
static inline float step(void *w, uint32_t u, float *pu, rs_bprs_sample d, uint64_t s)
{
    const thr *th = w;
    const hyb *H = th->H;
    const tables *T = th->T;
    float *buf = th->buf;
    const int k = H->B.k;
    const float lr = (float)H->B.o->lr, reg = (float)H->B.o->reg;
    uint32_t i = d.i, j = d.j;
    const size_t st = H->B.stride;
    float *qi = H->B.V + (size_t)i * st, *qj = H->B.V + (size_t)j * st;
    const float *pe = summed(&H->us, u, pu, T->UF, st, k, buf);
    int drop = dropped(H, u, d, s);
    const float *ae = summed(&H->is, i, drop ? H->zero : qi, T->IF, st, k, buf + st);
    const float *be = summed(&H->is, j, drop ? H->zero : qj, T->IF, st, k, buf + 2 * st);
    float bie = summed_bias(&H->is, i, drop ? 0 : *d.bi, T->Ib);
    float bje = summed_bias(&H->is, j, drop ? 0 : *d.bj, T->Ib);
    float z = 1.0f / (1.0f + expf(rs_bprs_diff_dot(pe, ae, be, k) + (bie - bje)));
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
        return z;
    }
    update(pu, qi, qj, pe, ae, be, k, z, lr, reg);
    *d.bi += lr * (z - reg * *d.bi);
    *d.bj += lr * (-z - reg * *d.bj);
    return z;
}

/* One thread: BPR's worker on the master tables. */
static int worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    hyb *H = arg;
    thr w = { H, &H->loc[0], rs_xmalloc(3 * H->B.stride * sizeof(float)) };
    rs_bprs_chunks(&H->B, &w, step);
    free(w.buf);
    return 0;
}

/* Threads > 1: BPR's strata, each thread on its copy of the tables. */
static int strata_worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    hyb *H = arg;
    thr w = { H, &H->loc[t], rs_xmalloc(3 * H->B.stride * sizeof(float)) };
    rs_bprs_stratum_run(&H->B, t, &w, step);
    free(w.buf);
    return 0;
}

/* Sizes of the feature tables, in floats. */
static size_t if_floats(const hyb *H) { return (size_t)H->is.n * H->B.stride; }
static size_t uf_floats(const hyb *H) { return (size_t)H->us.n * H->B.stride; }

/* Before a sub-epoch: the threads' copies from the master (loc[0] is the
 * master with one thread; with T, the master is loc[T]). */
static void tables_copy(void *ctx)
{
    hyb *H = ctx;
    const int T = H->B.strata;
    const tables *m = &H->loc[T];
    for (int t = 0; t < T; t++) {
        if (m->IF) memcpy(H->loc[t].IF, m->IF, if_floats(H) * sizeof(float));
        if (m->Ib) memcpy(H->loc[t].Ib, m->Ib, (size_t)H->is.n * sizeof(float));
        if (m->UF) memcpy(H->loc[t].UF, m->UF, uf_floats(H) * sizeof(float));
    }
}

/* The master = the mean of n floats of the threads' copies, summed in
 * thread order. */
static void average(float *m, float *const *copies, int T, size_t n)
{
    float inv = 1.0f / (float)T;
    for (size_t x = 0; x < n; x++) {
        float s = 0;
        for (int t = 0; t < T; t++) s += copies[t][x];
        m[x] = s * inv;
    }
}

/* After a sub-epoch: the master tables = the means of the copies. */
static void tables_average(void *ctx)
{
    hyb *H = ctx;
    const int T = H->B.strata;
    tables *m = &H->loc[T];
    float **c = rs_xmalloc((size_t)T * sizeof *c);
    if (m->IF) {
        for (int t = 0; t < T; t++) c[t] = H->loc[t].IF;
        average(m->IF, c, T, if_floats(H));
    }
    if (m->Ib) {
        for (int t = 0; t < T; t++) c[t] = H->loc[t].Ib;
        average(m->Ib, c, T, H->is.n);
    }
    if (m->UF) {
        for (int t = 0; t < T; t++) c[t] = H->loc[t].UF;
        average(m->UF, c, T, uf_floats(H));
    }
    free(c);
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
    size_t st = H->B.stride;
    if ((m->IF && rs_bprs_diverged(&H->B, "hybrid", it, "an item feature factor", m->IF,
                                   if_floats(H), st, e) < 0) ||
        (m->Ib && rs_bprs_diverged(&H->B, "hybrid", it, "an item feature bias", m->Ib, H->is.n, 1,
                                   e) < 0) ||
        (m->UF && rs_bprs_diverged(&H->B, "hybrid", it, "a user feature factor", m->UF,
                                   uf_floats(H), st, e) < 0))
        return -1;
    return 0;
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

int rs_hybrid_fit(const rs_csr *a, const rs_csr *ifeat, const rs_csr *ufeat,
                  const rs_hybrid_opts *ho, rs_hybrid *h, rs_err *e)
{
    const rs_bpr_opts *o = &ho->bpr;
    memset(h, 0, sizeof *h);
    if (!(ho->id_dropout >= 0 && ho->id_dropout <= 1))
        return rs_errf(e, RS_EUSAGE, "--id-dropout must be in 0..1");
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
    /* The master tables (loc[0] with one thread, loc[T] with T), then the
     * threads' copies; the master starts from a stream of its own, so the
     * id side draws what BPR draws. */
    int T = H.B.strata > 1 ? H.B.strata : 0;
    H.loc = rs_xcalloc((size_t)T + 1, sizeof *H.loc);
    rs_rng frng;
    rs_rng_seed2(&frng, o->seed, 0x6879627269640000ull);
    for (int t = 0; t <= T; t++) {
        if (H.is.indptr) {
            H.loc[t].IF = rs_bprs_falloc(if_floats(&H));
            H.loc[t].Ib = rs_bprs_falloc(H.is.n);
        }
        if (H.us.indptr) H.loc[t].UF = rs_bprs_falloc(uf_floats(&H));
    }
    tables *master = &H.loc[T];
    if (master->IF) init_table(master->IF, H.is.n, stride, k, &frng);
    if (master->UF) init_table(master->UF, H.us.n, stride, k, &frng);
    rs_bprs_hooks hooks = { .worker = worker, .strata_worker = strata_worker,
                            .sub_begin = tables_copy, .sub_end = tables_average,
                            .finite = finite_after };
    int rc = rs_bprs_train(&H.B, "hybrid", &hooks, &H, NULL, e);
    if (rc == 0) {
        const float *U = H.B.U, *V = H.B.V, *bi = H.B.bi;
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
    rs_bprs_free(&H.B);
    return rc;
}

void rs_hybrid_put(rs_hybrid *h, const rs_hybrid_opts *ho, rs_bundle *b)
{
    int k = h->mf.k;
    rs_mf_put(&h->mf, "hybrid", b);
    rs_bprs_put_meta(&ho->bpr, b);
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
