/* knn.c: exact k nearest neighbours by sparse products; see knn.h. */
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "model/knn.h"
#include "common/parallel.h"
#include "model/diverge.h"
#include "common/topk.h"

static const char *const sim_names[] = { "cosine", "jaccard", "pearson", "dot" };
static const char *const weight_names[] = { "none", "tfidf", "bm25" };

static int parse_name(const char *const *names, int n, const char *s)
{
    for (int k = 0; k < n; k++)
        if (!strcmp(names[k], s)) return k;
    return -1;
}

int rs_knn_sim_parse(const char *s) { return parse_name(sim_names, 4, s); }
int rs_knn_weight_parse(const char *s) { return parse_name(weight_names, 3, s); }
const char *rs_knn_sim_name(int sim) { return sim >= 0 && sim < 4 ? sim_names[sim] : "?"; }
const char *rs_knn_weight_name(int w) { return w >= 0 && w < 3 ? weight_names[w] : "?"; }

void rs_knn_defaults(rs_knn_opts *o)
{
    memset(o, 0, sizeof *o);
    o->sim = RS_KNN_COSINE;
    o->weight = RS_KNN_WNONE;
    o->bm25_k1 = RS_KNN_BM25_K1;
    o->bm25_b = RS_KNN_BM25_B;
}

int rs_knn_check(const rs_knn_opts *o, rs_err *e)
{
    if (o->sim < 0 || o->sim > RS_KNN_DOT || o->weight < 0 || o->weight > RS_KNN_BM25)
        return rs_errf(e, RS_EUSAGE, "unknown similarity or weighting");
    /* Jaccard sees sets and Pearson's centring would undo a weighting, so
     * a weighting only means something for cosine and dot. */
    if (o->weight != RS_KNN_WNONE && (o->sim == RS_KNN_JACCARD || o->sim == RS_KNN_PEARSON))
        return rs_errf(e, RS_EUSAGE, "--weight %s needs --sim cosine or dot, not %s",
                       rs_knn_weight_name(o->weight), rs_knn_sim_name(o->sim));
    if (o->binary && o->sim == RS_KNN_PEARSON)
        return rs_errf(e, RS_EUSAGE, "--sim pearson needs rating values, not --binary "
                       "(centred ones are all 0)");
    if (!(o->bm25_k1 >= 0) || !(o->bm25_b >= 0 && o->bm25_b <= 1))
        return rs_errf(e, RS_EUSAGE, "bm25: K1 must be >= 0 and B in 0..1");
    return 0;
}

/* rs_csr_transpose, whose rows come out sorted by column; the times are
 * left behind (the space never needs them, and they would double the copy). */
static void transpose(const rs_csr *m, rs_csr *t)
{
    rs_csr view = *m;
    view.times = NULL;
    rs_csr_transpose(&view, t);
}

/* Sum repeated entries, which sit side by side in a sorted row. */
static void merge_sorted(rs_csr *t)
{
    uint64_t w = 0;
    for (uint32_t r = 0; r < t->rows; r++) {
        uint64_t a = t->indptr[r], b = t->indptr[r + 1], start = w;
        t->indptr[r] = w;
        for (uint64_t p = a; p < b; p++) {
            if (w > start && t->indices[w - 1] == t->indices[p]) {
                t->values[w - 1] += t->values[p];
                continue;
            }
            t->indices[w] = t->indices[p];
            t->values[w] = t->values[p];
            w++;
        }
    }
    t->indptr[t->rows] = w;
    t->nnz = w;
}

/* Transform one vector's values in place (indices sorted and distinct):
 * the steps of knn.h in order.  Negative values are taken as 0 by the
 * weightings (rs_knn_space_build refuses them; a history cannot). */
static void transform_row(const rs_knn_space *s, const uint32_t *idx, float *val, size_t n)
{
    const rs_knn_opts *o = &s->opts;
    if (o->binary || o->sim == RS_KNN_JACCARD)
        for (size_t p = 0; p < n; p++) val[p] = 1.0f;
    if (o->weight == RS_KNN_TFIDF) {
        for (size_t p = 0; p < n; p++)
            val[p] = (float)(sqrt(val[p] > 0 ? val[p] : 0.0) * s->idf[idx[p]]);
    } else if (o->weight == RS_KNN_BM25) {
        double sum = 0;
        for (size_t p = 0; p < n; p++) sum += val[p];
        double len = 1 - o->bm25_b + (s->avg_sum > 0 ? o->bm25_b * sum / s->avg_sum : o->bm25_b);
        for (size_t p = 0; p < n; p++) {
            double v = val[p] > 0 ? val[p] : 0.0, d = o->bm25_k1 * len + v;
            val[p] = (float)(d > 0 ? v * (o->bm25_k1 + 1) / d * s->idf[idx[p]] : 0.0);
        }
    }
    if (o->sim == RS_KNN_PEARSON && n) {
        double mean = 0;
        for (size_t p = 0; p < n; p++) mean += val[p];
        mean /= (double)n;
        for (size_t p = 0; p < n; p++) val[p] = (float)(val[p] - mean);
    }
    if (o->sim == RS_KNN_COSINE || o->sim == RS_KNN_PEARSON) {
        double ss = 0;
        for (size_t p = 0; p < n; p++) ss += (double)val[p] * val[p];
        if (ss > 0) {
            double inv = 1 / sqrt(ss);
            for (size_t p = 0; p < n; p++) val[p] = (float)(val[p] * inv);
        }
    }
}

int rs_knn_space_build(const rs_csr *m, const rs_knn_opts *o, rs_knn_space *s, rs_err *e)
{
    memset(s, 0, sizeof *s);
    if (rs_knn_check(o, e) < 0) return -1;
    s->opts = *o;
    if (o->weight != RS_KNN_WNONE && !o->binary)
        for (uint64_t p = 0; p < m->nnz; p++)
            if (!(m->values[p] >= 0))
                return rs_errf(e, RS_EDATA, "--weight %s needs values >= 0, and the matrix "
                               "has %g (use --binary, or rs-filter the input)",
                               rs_knn_weight_name(o->weight), m->values[p]);
    /* items x users with repeats summed; its transpose is the user side. */
    rs_csr t;
    transpose(m, &t);
    merge_sorted(&t);
    if (o->items) {
        s->x = t;
    } else {
        transpose(&t, &s->x);
        rs_csr_free(&t);
    }
    rs_csr *x = &s->x;
    if (o->weight != RS_KNN_WNONE) {
        uint32_t d = x->cols;
        s->idf = rs_xcalloc((size_t)d + 1, sizeof *s->idf);
        for (uint64_t p = 0; p < x->nnz; p++) s->idf[x->indices[p]] += 1;
        for (uint32_t f = 0; f < d; f++) s->idf[f] = log((double)x->rows) - log1p(s->idf[f]);
        double total = 0;
        for (uint64_t p = 0; p < x->nnz; p++) total += o->binary ? 1.0 : x->values[p];
        s->avg_sum = x->rows ? total / x->rows : 0;
    }
    for (uint32_t r = 0; r < x->rows; r++)
        transform_row(s, x->indices + x->indptr[r], x->values + x->indptr[r],
                      (size_t)(x->indptr[r + 1] - x->indptr[r]));
    if (o->sim == RS_KNN_JACCARD) {
        s->len = rs_xmalloc(((size_t)x->rows + 1) * sizeof *s->len);
        for (uint32_t r = 0; r < x->rows; r++) s->len[r] = (float)(x->indptr[r + 1] - x->indptr[r]);
    }
    transpose(x, &s->xt);
    return 0;
}

void rs_knn_space_free(rs_knn_space *s)
{
    rs_csr_free(&s->x);
    rs_csr_free(&s->xt);
    free(s->len);
    free(s->idf);
    memset(s, 0, sizeof *s);
}

typedef struct entry { uint32_t i; float v; } entry;

static int entry_cmp(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return x->i < y->i ? -1 : x->i > y->i;
}

size_t rs_knn_vector(const rs_knn_space *s, uint32_t *idx, float *val, size_t n)
{
    entry *t = rs_xmalloc((n ? n : 1) * sizeof *t);
    for (size_t p = 0; p < n; p++) t[p] = (entry){ idx[p], val[p] };
    /* qsort is not stable, but only the rounding of summed repeats could
     * tell, and the same input always sorts the same way. */
    qsort(t, n, sizeof *t, entry_cmp);
    size_t w = 0;
    for (size_t p = 0; p < n; p++) {
        if (w && t[w - 1].i == t[p].i) t[w - 1].v += t[p].v;
        else t[w++] = t[p];
    }
    for (size_t p = 0; p < w; p++) {
        idx[p] = t[p].i;
        val[p] = t[p].v;
    }
    free(t);
    transform_row(s, idx, val, w);
    return w;
}

/* acc[r] += sum over the query's features f of q_f xt[f][r]: the hot loop.
 * Columns are sorted, so the writes sweep acc in order.  A product of two
 * floats is exact in double, so a double sum only rounds where it adds:
 * float sums drift by 1e-5 over the 50,000 terms of a popular item. */
static void scatter(const rs_csr *xt, const uint32_t *idx, const float *val, size_t nnz,
                    double *restrict acc)
{
    for (size_t p = 0; p < nnz; p++) {
        uint32_t f = idx[p];
        double a = val[p];
        const uint32_t *ci = xt->indices + xt->indptr[f];
        const float *cv = xt->values + xt->indptr[f];
        size_t len = (size_t)(xt->indptr[f + 1] - xt->indptr[f]);
        for (size_t c = 0; c < len; c++) acc[ci[c]] += a * cv[c];
    }
}

static inline float finish(const rs_knn_space *s, double acc, double qlen, uint32_t r)
{
    if (!s->len) return (float)acc;
    return acc > 0 ? (float)(acc / (qlen + s->len[r] - acc)) : 0.0f;
}

void rs_knn_similarities(const rs_knn_space *s, const uint32_t *idx, const float *val,
                         size_t nnz, float *out)
{
    uint32_t n = s->x.rows;
    double *acc = rs_xcalloc((size_t)n + 1, sizeof *acc);
    scatter(&s->xt, idx, val, nnz, acc);
    for (uint32_t r = 0; r < n; r++) {
        float v = finish(s, acc[r], (double)nnz, r);
        out[r] = v > 0 ? v : NAN;
    }
    free(acc);
}

uint64_t rs_knn_work(const rs_knn_space *s)
{
    uint64_t w = 0;
    for (uint32_t f = 0; f < s->xt.rows; f++) {
        uint64_t l = s->xt.indptr[f + 1] - s->xt.indptr[f];
        w += l * l;
    }
    return w;
}

/* ---- all neighbours, on threads ----
 *
 * sim(q, r) and sim(r, q) are the same float, bit for bit: both add the
 * same products (a b = b a) in the same order, by feature.  So each pair
 * is computed once, from the smaller index, and offered to both rows'
 * heaps ("sym"), which halves the work.  A thread can then touch any
 * row's heap, so every thread keeps heaps for all rows (threads x n x k
 * pairs), merged at the end; no pair is in two threads' heaps.  Where
 * those would take more than the budget, every row is computed whole by
 * one thread into one shared set of heaps instead. */

#define NB_BLOCK 16                         /* rows a thread takes at a time */

typedef struct heaps {
    uint32_t *cnt;              /* n: pairs held per row */
    uint32_t *idx;              /* n x k */
    float *score;               /* n x k, each row a min-heap (topk.h) */
    float *floor;               /* n: what a candidate must reach to enter */
} heaps;

typedef struct nb_job {
    const rs_knn_space *s;
    uint32_t k;
    int sym;
    size_t maxrow;              /* longest row of x */
    heaps *h;                   /* sym: one per thread; else h[0], rows split */
    atomic_uint_fast64_t next, done;
    rs_progress *progress;
} nb_job;

typedef struct scratch {
    double *acc;                /* n, all 0 between rows */
    uint32_t *list;             /* rows touched (sparse rows) */
    unsigned char *mark;        /* n, all 0 between rows */
    uint64_t *from;             /* maxrow: where each feature's column starts */
    uint64_t *pos;              /* sym: per feature, its column's first row above
                                 * the last query (a thread's queries ascend) */
} scratch;

/* The smallest similarity that may still enter: positive, and as good as
 * the heap's worst (equal ones are left to the heap's tie rule). */
static inline float floor_of(const rs_topk *t)
{
    float thr = rs_topk_threshold(t);
    return thr > FLT_MIN ? thr : FLT_MIN;
}

static void heaps_init(heaps *h, uint32_t n, uint32_t k)
{
    h->cnt = rs_xcalloc((size_t)n + 1, sizeof *h->cnt);
    h->idx = rs_xmalloc(((size_t)n * k + 1) * sizeof *h->idx);
    h->score = rs_xmalloc(((size_t)n * k + 1) * sizeof *h->score);
    h->floor = rs_xmalloc(((size_t)n + 1) * sizeof *h->floor);
    for (uint32_t r = 0; r < n; r++) h->floor[r] = FLT_MIN;
}

static void heaps_free(heaps *h)
{
    free(h->cnt);
    free(h->idx);
    free(h->score);
    free(h->floor);
}

/* Row r's heap is a window of the slabs, seen through topk.h. */
static void heap_push(heaps *h, uint32_t k, uint32_t r, float v, uint32_t i)
{
    rs_topk t = { .cap = k, .n = h->cnt[r], .score = h->score + (size_t)r * k,
                  .idx = h->idx + (size_t)r * k };
    rs_topk_push(&t, v, i);
    h->cnt[r] = (uint32_t)t.n;
    h->floor[r] = floor_of(&t);
}

static inline void offer(const nb_job *j, heaps *h, uint32_t q, uint32_t r, float v)
{
    if (v >= h->floor[q]) heap_push(h, j->k, q, v, r);
    if (j->sym && v >= h->floor[r]) heap_push(h, j->k, r, v, q);
}

/* Offer every acc[r], r in [lo, n), that may enter q's heap or (sym) r's;
 * acc is not finished (no Jaccard here).  Nearly all lose once the heaps
 * are full, so 8 are tested at a time, as the floats they round to. */
static void scan_dense(const nb_job *j, heaps *h, uint32_t q, const double *acc, uint32_t lo,
                       uint32_t n)
{
    uint32_t r = lo;
#if defined(__SSE2__)
    for (; r + 8 <= n; r += 8) {
        __m128 fq = _mm_set1_ps(h->floor[q]);
        __m128 a0 = _mm_movelh_ps(_mm_cvtpd_ps(_mm_loadu_pd(acc + r)),
                                  _mm_cvtpd_ps(_mm_loadu_pd(acc + r + 2)));
        __m128 a1 = _mm_movelh_ps(_mm_cvtpd_ps(_mm_loadu_pd(acc + r + 4)),
                                  _mm_cvtpd_ps(_mm_loadu_pd(acc + r + 6)));
        __m128 m = _mm_or_ps(_mm_cmpge_ps(a0, fq), _mm_cmpge_ps(a1, fq));
        if (j->sym)
            m = _mm_or_ps(m, _mm_or_ps(_mm_cmpge_ps(a0, _mm_loadu_ps(h->floor + r)),
                                       _mm_cmpge_ps(a1, _mm_loadu_ps(h->floor + r + 4))));
        if (!_mm_movemask_ps(m)) continue;
        for (uint32_t c = r; c < r + 8; c++) offer(j, h, q, c, (float)acc[c]);
    }
#endif
    for (; r < n; r++) offer(j, h, q, r, (float)acc[r]);
}

static void nb_row(const nb_job *j, scratch *sc, heaps *h, uint32_t q)
{
    const rs_knn_space *s = j->s;
    const rs_csr *x = &s->x, *xt = &s->xt;
    uint32_t n = x->rows, lo = j->sym ? q + 1 : 0;
    uint64_t a = x->indptr[q], work = 0;
    const uint32_t *qi = x->indices + a;
    const float *qv = x->values + a;
    size_t qn = (size_t)(x->indptr[q + 1] - a);
    double ql = (double)qn, *acc = sc->acc;
    for (size_t p = 0; p < qn; p++) {
        uint64_t c0 = xt->indptr[qi[p]], c1 = xt->indptr[qi[p] + 1];
        if (j->sym) {
            /* The pointer only moves forward: each column is walked once
             * per thread, where a search per query would miss the cache. */
            c0 = sc->pos[qi[p]];
            while (c0 < c1 && xt->indices[c0] <= q) c0++;
            sc->pos[qi[p]] = c0;
        }
        sc->from[p] = c0;
        work += c1 - c0;
    }
    if (work == 0 || j->k == 0) return;
    if (work >= (n - lo) / 4) {
        /* Most rows are touched: no bookkeeping, scan them all. */
        for (size_t p = 0; p < qn; p++) {
            double av = qv[p];
            uint64_t c1 = xt->indptr[qi[p] + 1];
            const uint32_t *ci = xt->indices;
            const float *cv = xt->values;
            for (uint64_t c = sc->from[p]; c < c1; c++) acc[ci[c]] += av * cv[c];
        }
        acc[q] = 0;
        if (!s->len) {
            scan_dense(j, h, q, acc, lo, n);
        } else {
            for (uint32_t r = lo; r < n; r++)
                if (acc[r] > 0) offer(j, h, q, r, finish(s, acc[r], ql, r));
        }
        memset(acc + lo, 0, (size_t)(n - lo) * sizeof *acc);
    } else {
        size_t m = 0;
        for (size_t p = 0; p < qn; p++) {
            double av = qv[p];
            uint64_t c1 = xt->indptr[qi[p] + 1];
            for (uint64_t c = sc->from[p]; c < c1; c++) {
                uint32_t r = xt->indices[c];
                if (!sc->mark[r]) {
                    sc->mark[r] = 1;
                    sc->list[m++] = r;
                }
                acc[r] += av * xt->values[c];
            }
        }
        for (size_t t = 0; t < m; t++) {
            uint32_t r = sc->list[t];
            float v = finish(s, acc[r], ql, r);
            acc[r] = 0;
            sc->mark[r] = 0;
            if (r != q) offer(j, h, q, r, v);
        }
    }
}

/* Worker t: rows are shared out dynamically, so a worker whose thread did
 * not start (and runs after the others) only means fewer hands. */
static int nb_worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    nb_job *j = arg;
    uint32_t n = j->s->x.rows;
    heaps *h = &j->h[j->sym ? t : 0];
    scratch sc;
    sc.acc = rs_xcalloc((size_t)n + 1, sizeof *sc.acc);
    sc.list = rs_xmalloc(((size_t)n + 1) * sizeof *sc.list);
    sc.mark = rs_xcalloc((size_t)n + 1, 1);
    sc.from = rs_xmalloc((j->maxrow + 1) * sizeof *sc.from);
    sc.pos = NULL;
    if (j->sym) {
        const rs_csr *xt = &j->s->xt;
        sc.pos = rs_xmalloc(((size_t)xt->rows + 1) * sizeof *sc.pos);
        memcpy(sc.pos, xt->indptr, ((size_t)xt->rows + 1) * sizeof *sc.pos);
    }
    for (;;) {
        uint64_t q0 = atomic_fetch_add(&j->next, NB_BLOCK);
        if (q0 >= n) break;
        uint64_t q1 = q0 + NB_BLOCK < n ? q0 + NB_BLOCK : n;
        for (uint64_t q = q0; q < q1; q++) nb_row(j, &sc, h, (uint32_t)q);
        uint64_t done = atomic_fetch_add(&j->done, q1 - q0) + (q1 - q0);
        /* One thread speaks for all: progress is not thread-safe. */
        if (t == 0 && j->progress) rs_progress_update(j->progress, done, n, "rows");
    }
    free(sc.acc);
    free(sc.list);
    free(sc.mark);
    free(sc.from);
    free(sc.pos);
    return 0;
}

int rs_knn_neighbors(const rs_knn_space *s, const rs_knn_run *run, rs_csr *out, rs_err *e)
{
    uint32_t n = s->x.rows, k = run->k;
    int threads = run->threads;
    size_t budget = run->heap_budget ? run->heap_budget : RS_KNN_HEAP_BUDGET;
    memset(out, 0, sizeof *out);
    if (n && k > n - 1) k = n - 1;
    if (threads < 1) threads = 1;
    uint64_t blocks = ((uint64_t)n + NB_BLOCK - 1) / NB_BLOCK;
    if ((uint64_t)threads > blocks) threads = blocks ? (int)blocks : 1;
    nb_job j = { .s = s, .k = k, .progress = run->progress };
    j.sym = (double)threads * n * k * 8 <= (double)budget;
    for (uint32_t r = 0; r < n; r++) {
        size_t l = (size_t)(s->x.indptr[r + 1] - s->x.indptr[r]);
        if (l > j.maxrow) j.maxrow = l;
    }
    int nh = j.sym ? threads : 1;
    j.h = rs_xmalloc((size_t)nh * sizeof *j.h);
    for (int t = 0; t < nh; t++) heaps_init(&j.h[t], n, k);
    atomic_init(&j.next, 0);
    atomic_init(&j.done, 0);
    rs_parallel_for(threads, (size_t)threads, nb_worker, &j, e);   /* nb_worker never fails */

    /* Each row: the best k of what all heaps hold for it, best first. */
    out->rows = out->cols = n;
    out->owned = 1;
    out->indptr = rs_xmalloc(((size_t)n + 1) * sizeof *out->indptr);
    out->indptr[0] = 0;
    for (uint32_t r = 0; r < n; r++) {
        uint64_t c = 0;
        for (int t = 0; t < nh; t++) c += j.h[t].cnt[r];
        out->indptr[r + 1] = out->indptr[r] + (c < k ? c : k);
    }
    out->nnz = out->indptr[n];
    out->indices = rs_xmalloc((out->nnz ? out->nnz : 1) * sizeof *out->indices);
    out->values = rs_xmalloc((out->nnz ? out->nnz : 1) * sizeof *out->values);
    rs_topk top;
    rs_topk_init(&top, k);
    for (uint32_t r = 0; r < n; r++) {
        rs_topk_clear(&top);
        for (int t = 0; t < nh; t++) {
            const heaps *h = &j.h[t];
            for (uint32_t c = 0; c < h->cnt[r]; c++)
                rs_topk_push(&top, h->score[(size_t)r * k + c], h->idx[(size_t)r * k + c]);
        }
        size_t got = rs_topk_sorted(&top);
        memcpy(out->indices + out->indptr[r], top.idx, got * sizeof *out->indices);
        memcpy(out->values + out->indptr[r], top.score, got * sizeof *out->values);
    }
    rs_topk_free(&top);
    for (int t = 0; t < nh; t++) heaps_free(&j.h[t]);
    free(j.h);
    /* A similarity that is not a number would sort anywhere. */
    if (rs_diverged_f32("the neighbour search", "the end", "a similarity", out->values, out->nnz, 1,
                        "the interaction values are too large (or not numbers); rescale them",
                        e) < 0) {
        rs_csr_free(out);
        return -1;
    }
    return 0;
}

