/* w2v.c: item2vec training; see w2v.h for the semantics. */
#include <math.h>
#include <pthread.h>
#include <sys/mman.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "common/alias.h"
#include "common/parallel.h"
#include <time.h>
#include "common/num.h"
#include "common/rng.h"
#include "format/layout.h"
#include "model/w2v.h"
#include "model/diverge.h"

#define MAX_EXP 6.0f
#define SIG_SIZE 1000
#define CHUNK_WORDS 10000u   /* raw items per unit of work, as gensim's jobs */
#define PAD 16u              /* row stride in floats: rows start on cache lines */
#define SYNC_MAX 32u         /* jobs at most between a thread's merges */

/* Eight floats.  Both code paths use this same type, so the AVX2 build of
 * the loops does exactly the arithmetic of the SSE build (two halves):
 * the vectors do not depend on which CPU trained them. */
typedef float v8f __attribute__((vector_size(32), may_alias));
#define AI static inline __attribute__((always_inline))

typedef struct nentry {      /* slot k of the alias table of the noise */
    uint32_t thr;            /* draw k when the low 32 random bits are below */
    uint32_t alias;          /* else this */
} nentry;

typedef struct train {
    const rs_csr *seq;
    const rs_w2v_opts *o;
    size_t st;               /* row stride (floats) */
    /* Rows are vocabulary ranks (most frequent first, as gensim orders
     * them): the hot rows share pages and cache, whatever the item ids. */
    float *in, *out;         /* vocab x st, 64-byte aligned */
    const uint32_t *rank;    /* item -> rank, UINT32_MAX outside the vocabulary */
    const uint32_t *keep;    /* rank -> down-sampling: keep when 32 random bits <= keep */
    const nentry *noise;
    uint32_t nnoise;
    const uint32_t *chunk;   /* chunk c = rows chunk[c] .. chunk[c + 1] - 1 */
    uint32_t nchunks, maxlen;
    float sig[SIG_SIZE + 1];    /* + 1: f + 6 may round up to 12 */
    _Atomic uint64_t next;   /* next job: epoch x nchunks + chunk */
    uint64_t limit;          /* jobs below it run in this parallel region */
    _Atomic uint64_t done;   /* raw items finished */
    _Atomic uint64_t trained;
    int avx2, avx512;
    uint32_t hot;            /* rows each thread keeps a copy of (0: none) */
    uint32_t sync;           /* jobs a thread runs between merges */
    pthread_mutex_t merge;   /* one thread at a time adds its copies in */
    rs_progress *progress;   /* or NULL; worker 0 speaks for all */
    double t0;
} train;

void rs_w2v_defaults(rs_w2v_opts *o)
{
    memset(o, 0, sizeof *o);
    o->dim = 100;
    o->window = 5;
    o->negative = 5;
    o->epochs = 5;
    o->min_count = 5;
    o->ns_exponent = 0.75;
    o->sample = 1e-3;
    o->alpha = 0.025;
    o->min_alpha = 0.0001;
    o->cbow_mean = 1;
    o->shrink_windows = 1;
    o->seed = 1;
    o->threads = 1;
}

int rs_w2v_check(const rs_w2v_opts *o, rs_err *e)
{
    if (o->dim < 1 || o->dim > 10000) return rs_errf(e, RS_EUSAGE, "--vector-size must be 1..10000");
    if (o->window < 1 || o->window > 100000) return rs_errf(e, RS_EUSAGE, "--window must be 1..100000");
    if (o->negative < 1 || o->negative > 1000) return rs_errf(e, RS_EUSAGE, "--negative must be 1..1000");
    if (o->epochs < 1) return rs_errf(e, RS_EUSAGE, "--epochs must be at least 1");
    if (!isfinite(o->ns_exponent) || fabs(o->ns_exponent) > 100)
        return rs_errf(e, RS_EUSAGE, "--ns-exponent must be within -100..100");
    if (!(o->sample >= 0) || !isfinite(o->sample)) return rs_errf(e, RS_EUSAGE, "--sample must be >= 0");
    if (!(o->alpha > 0) || !(o->min_alpha >= 0) || o->alpha > 10 || o->min_alpha > o->alpha)
        return rs_errf(e, RS_EUSAGE, "need 0 <= --min-alpha <= --alpha <= 10, --alpha > 0");
    if (o->cbow_mean != 0 && o->cbow_mean != 1) return rs_errf(e, RS_EUSAGE, "--cbow-mean must be 0 or 1");
    if (o->threads < 1) return rs_errf(e, RS_EUSAGE, "threads must be at least 1");
    return 0;
}

/* ---- the vector loops (n is a multiple of PAD, pointers 32-byte aligned) ---- */

AI float vdot(const float *restrict a, const float *restrict b, size_t n)
{
    v8f s0 = { 0 }, s1 = { 0 };
    for (size_t k = 0; k < n; k += 16) {
        s0 += *(const v8f *)(a + k) * *(const v8f *)(b + k);
        s1 += *(const v8f *)(a + k + 8) * *(const v8f *)(b + k + 8);
    }
    s0 += s1;
    return ((s0[0] + s0[4]) + (s0[1] + s0[5])) + ((s0[2] + s0[6]) + (s0[3] + s0[7]));
}

/* work += g o;  o += g l1 (one pass over the output row). */
AI void vupd(float *restrict work, float *restrict o, const float *restrict l1, float g, size_t n)
{
    v8f gv = { g, g, g, g, g, g, g, g };
    for (size_t k = 0; k < n; k += 8) {
        v8f ov = *(v8f *)(o + k);
        *(v8f *)(work + k) += gv * ov;
        *(v8f *)(o + k) = ov + gv * *(const v8f *)(l1 + k);
    }
}

AI void vadd(float *restrict y, const float *restrict x, size_t n)
{
    for (size_t k = 0; k < n; k += 8) *(v8f *)(y + k) += *(const v8f *)(x + k);
}

AI void vscale(float *y, float a, size_t n)
{
    v8f av = { a, a, a, a, a, a, a, a };
    for (size_t k = 0; k < n; k += 8) *(v8f *)(y + k) *= av;
}

AI void vzero(float *y, size_t n)
{
    v8f z = { 0 };
    for (size_t k = 0; k < n; k += 8) *(v8f *)(y + k) = z;
}

/* ---- training ---- */

/* Where a thread reads and writes the vectors: with one thread the shared
 * matrices, with more its own copies of them (see worker). */
typedef struct lane {
    float *in, *out;
} lane;

AI float *in_row(const lane *L, uint32_t r, size_t st)
{
    return L->in + (size_t)r * st;
}

AI float *out_row(const lane *L, uint32_t r, size_t st)
{
    return L->out + (size_t)r * st;
}

AI uint32_t draw_noise(const train *t, rs_rng *r)
{
    uint64_t x = rs_rng_u64(r);
    uint32_t k = (uint32_t)(((x >> 32) * t->nnoise) >> 32);
    return (uint32_t)x < t->noise[k].thr ? k : t->noise[k].alias;
}

AI float sigmoid(const train *t, float f)
{
    return t->sig[(int)((f + MAX_EXP) * (SIG_SIZE / (2 * MAX_EXP)))];
}

/* One output target against the hidden vector l1; the error goes to work. */
AI void learn(const train *t, const lane *L, const float *l1, uint32_t target, float label,
              float alpha, float *work)
{
    size_t st = t->st;
    float *o = out_row(L, target, st);
    float f = vdot(l1, o, st);
    /* Outside the table gensim leaves the pair alone (word2vec.c clamps). */
    if (!(f > -MAX_EXP && f < MAX_EXP)) return;
    float g = (label - sigmoid(t, f)) * alpha;
    vupd(work, o, l1, g, st);
}

/* The negatives of the next prediction, drawn one prediction ahead so
 * that their rows arrive in cache while the current one is worked on. */
AI void draw_targets(const train *t, const lane *L, rs_rng *r, uint32_t *tg)
{
    size_t st = t->st;
    for (uint32_t d = 1; d <= t->o->negative; d++) {
        tg[d] = draw_noise(t, r);
        const char *row = (const char *)out_row(L, tg[d], st);
        for (size_t b = 0; b < st * sizeof(float); b += 64) __builtin_prefetch(row + b, 1);
    }
}

AI void predict(const train *t, const lane *L, const float *l1, uint32_t center,
                const uint32_t *tg, float alpha, float *work)
{
    vzero(work, t->st);
    learn(t, L, l1, center, 1.0f, alpha, work);
    for (uint32_t d = 1; d <= t->o->negative; d++)
        if (tg[d] != center) learn(t, L, l1, tg[d], 0.0f, alpha, work);
}

AI uint32_t shrink(const train *t, rs_rng *r)
{
    if (!t->o->shrink_windows) return 0;
    return (uint32_t)(((rs_rng_u64(r) >> 32) * t->o->window) >> 32);
}

AI void sg_sentence(const train *t, const lane *L, const uint32_t *sent, uint32_t n, float alpha, rs_rng *r,
                    uint32_t **tg, float *work)
{
    uint32_t w = t->o->window;
    size_t st = t->st;
    draw_targets(t, L, r, tg[1]);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t b = shrink(t, r);
        uint32_t lo = i + b > w ? i + b - w : 0, hi = i + w + 1 - b;
        if (hi > n) hi = n;
        for (uint32_t j = lo; j < hi; j++) {
            if (j == i) continue;
            uint32_t *cur = tg[1];
            tg[1] = tg[0];
            tg[0] = cur;
            draw_targets(t, L, r, tg[1]);
            /* The context's input vector predicts the centre (word2vec.c). */
            float *l1 = in_row(L, sent[j], st);
            predict(t, L, l1, sent[i], cur, alpha, work);
            vadd(l1, work, st);
        }
    }
}

AI void cbow_sentence(const train *t, const lane *L, const uint32_t *sent, uint32_t n, float alpha, rs_rng *r,
                      uint32_t **tg, float *work, float *neu1)
{
    uint32_t w = t->o->window;
    size_t st = t->st;
    draw_targets(t, L, r, tg[1]);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t b = shrink(t, r);
        uint32_t lo = i + b > w ? i + b - w : 0, hi = i + w + 1 - b;
        if (hi > n) hi = n;
        uint32_t cnt = hi - lo - 1;
        if (cnt == 0) continue;    /* nothing to predict from, nothing to update */
        uint32_t *cur = tg[1];
        tg[1] = tg[0];
        tg[0] = cur;
        draw_targets(t, L, r, tg[1]);
        vzero(neu1, st);
        for (uint32_t j = lo; j < hi; j++)
            if (j != i) vadd(neu1, in_row(L, sent[j], st), st);
        float inv = 1.0f / (float)cnt;
        if (t->o->cbow_mean) vscale(neu1, inv, st);
        predict(t, L, neu1, sent[i], cur, alpha, work);
        /* A sum took every context in full: gensim shares the error out. */
        if (!t->o->cbow_mean) vscale(work, inv, st);
        for (uint32_t j = lo; j < hi; j++)
            if (j != i) vadd(in_row(L, sent[j], st), work, st);
    }
}

AI uint64_t chunk_body(const train *t, const lane *L, uint64_t job, uint32_t *sent, uint32_t **tg, float *work,
                       float *neu1)
{
    const rs_csr *s = t->seq;
    const rs_w2v_opts *o = t->o;
    uint32_t epoch = (uint32_t)(job / t->nchunks), c = (uint32_t)(job % t->nchunks);
    rs_rng r;
    rs_rng_seed2(&r, o->seed, 1 + job);
    double total = (double)s->nnz * o->epochs, a0 = o->alpha, a1 = o->min_alpha;
    uint64_t trained = 0;
    for (uint32_t row = t->chunk[c]; row < t->chunk[c + 1]; row++) {
        uint64_t a = s->indptr[row], z = s->indptr[row + 1];
        double alpha = a0 - (a0 - a1) * (((double)epoch * (double)s->nnz + (double)a) / total);
        if (alpha < a1) alpha = a1;
        uint32_t n = 0;
        for (uint64_t p = a; p < z; p++) {
            uint32_t v = t->rank[s->indices[p]];
            if (v == UINT32_MAX) continue;
            uint32_t k = t->keep[v];
            if (k != UINT32_MAX && (uint32_t)(rs_rng_u64(&r) >> 32) > k) continue;
            sent[n++] = v;
            if (n == t->maxlen) break;   /* only a sequence of 4 billion items */
        }
        trained += n;
        if (n < 2) continue;
        if (o->sg) sg_sentence(t, L, sent, n, (float)alpha, &r, tg, work);
        else cbow_sentence(t, L, sent, n, (float)alpha, &r, tg, work, neu1);
    }
    return trained;
}

/* The same loops built twice: once for the baseline (SSE, two halves per
 * v8f) and once with AVX2 for CPUs that have it. */
__attribute__((target("avx2")))
static uint64_t chunk_avx2(const train *t, const lane *L, uint64_t job, uint32_t *sent, uint32_t **tg,
                           float *work, float *neu1)
{
    return chunk_body(t, L, job, sent, tg, work, neu1);
}

/* AVX-512 (VL: the same eight-float vectors, EVEX-encoded with 32
 * registers): the widest code the CPU has, still the same arithmetic,
 * so the vectors stay the same on every CPU. */
__attribute__((target("avx512f,avx512vl")))
static uint64_t chunk_avx512(const train *t, const lane *L, uint64_t job, uint32_t *sent, uint32_t **tg,
                             float *work, float *neu1)
{
    return chunk_body(t, L, job, sent, tg, work, neu1);
}

static uint64_t chunk_base(const train *t, const lane *L, uint64_t job, uint32_t *sent, uint32_t **tg,
                           float *work, float *neu1)
{
    return chunk_body(t, L, job, sent, tg, work, neu1);
}

static float *falloc(size_t n)
{
    size_t bytes = (n * sizeof(float) + 63) / 64 * 64, align = 64;
    /* Big matrices on huge pages: random rows then cost no TLB misses. */
    if (bytes >= (1u << 21)) {
        align = 1u << 21;
        bytes = (bytes + align - 1) / align * align;
    }
    float *p = aligned_alloc(align, bytes ? bytes : 64);
    if (!p) p = rs_xmalloc(SIZE_MAX);   /* reports out of memory and exits */
#ifdef MADV_HUGEPAGE
    if (align > 64) madvise(p, bytes, MADV_HUGEPAGE);   /* a hint: failure is harmless */
#endif
    memset(p, 0, bytes);
    return p;
}

static void show_progress(const train *t)
{
    uint64_t total = t->seq->nnz * (uint64_t)t->o->epochs;
    uint64_t done = atomic_load_explicit(&t->done, memory_order_relaxed);
    double el = rs_now() - t->t0, frac = total ? (double)done / (double)total : 1;
    double lr = t->o->alpha - (t->o->alpha - t->o->min_alpha) * frac;
    uint64_t ep = t->seq->nnz ? done / t->seq->nnz + 1 : 1;
    if (ep > t->o->epochs) ep = t->o->epochs;
    char extra[128];
    snprintf(extra, sizeof extra, "epoch %llu/%u, %.3gM items/s, lr %.4g",
             (unsigned long long)ep, t->o->epochs, el > 0 ? (double)done / el / 1e6 : 0.0, lr);
    rs_progress_update(t->progress, done, total, extra);
}

/* A thread's copy of the hot rows into the shared ones: what it changed
 * since the last merge (mine - base) is added, and both copies start again
 * from the sum. */
static void merge_rows(float *shared, float *mine, float *base, size_t n)
{
    for (size_t x = 0; x < n; x++) {
        float v = shared[x] + (mine[x] - base[x]);
        shared[x] = mine[x] = base[x] = v;
    }
}

static void merge_hot(train *t, lane *L, float *bin, float *bout)
{
    size_t n = (size_t)t->hot * t->st;
    pthread_mutex_lock(&t->merge);
    merge_rows(t->in, L->in, bin, n);
    merge_rows(t->out, L->out, bout, n);
    pthread_mutex_unlock(&t->merge);
}

/* Jobs from the shared counter until there are none.  With threads > 1
 * each thread trains its own copy of the vectors and adds what it changed
 * into the shared ones every sync jobs (and at the end).  Lock-free threads
 * on the shared rows, as word2vec.c and gensim run, passed the rows back
 * and forth between the cores: two of them spent 1.7-2.1 times the CPU of
 * one and took longer than one (the item counts are flat: no small set of
 * rows to keep apart).  The copies cost memory, 4 x the vectors a thread,
 * and make what a thread sees of the others' steps up to sync jobs old:
 * sync is kept to a 16th of an epoch (at most SYNC_MAX jobs).  On ml-100k
 * a sync of 75% of an epoch cost a sixth of MAP@10; one job (19%) nothing. */
static int worker(void *arg, int id, size_t slo, size_t shi, rs_err *e)
{
    train *t = arg;
    uint32_t *sent = rs_xmalloc(((size_t)t->maxlen + 1) * sizeof *sent);
    uint32_t *tgbuf = rs_xmalloc(2 * ((size_t)t->o->negative + 1) * sizeof *tgbuf);
    uint32_t *tg[2] = { tgbuf, tgbuf + t->o->negative + 1 };
    float *work = falloc(t->st), *neu1 = falloc(t->st);
    lane L = { t->in, t->out };
    size_t nh = (size_t)t->hot * t->st;
    float *bin = NULL, *bout = NULL;
    if (nh) {
        /* Allocated (and first touched) by the thread that uses them. */
        L.in = falloc(nh);
        L.out = falloc(nh);
        bin = falloc(nh);
        bout = falloc(nh);
        merge_hot(t, &L, bin, bout);   /* all zero: a copy of the shared rows */
    }
    uint64_t jobs = t->limit, since = 0;
    for (;;) {
        uint64_t job = atomic_fetch_add_explicit(&t->next, 1, memory_order_relaxed);
        if (job >= jobs) break;
        uint64_t n = t->avx512 ? chunk_avx512(t, &L, job, sent, tg, work, neu1)
                     : t->avx2 ? chunk_avx2(t, &L, job, sent, tg, work, neu1)
                               : chunk_base(t, &L, job, sent, tg, work, neu1);
        if (nh && ++since == t->sync) {
            merge_hot(t, &L, bin, bout);
            since = 0;
        }
        uint32_t c = (uint32_t)(job % t->nchunks);
        const uint64_t *ip = t->seq->indptr;
        atomic_fetch_add_explicit(&t->done, ip[t->chunk[c + 1]] - ip[t->chunk[c]],
                                  memory_order_relaxed);
        atomic_fetch_add_explicit(&t->trained, n, memory_order_relaxed);
        if (id == 0 && t->progress) show_progress(t);
    }
    if (nh && since) merge_hot(t, &L, bin, bout);
    free(sent);
    free(tgbuf);
    free(work);
    free(neu1);
    if (nh) {
        free(L.in);
        free(L.out);
    }
    free(bin);
    free(bout);
    return 0;
}

/* The noise as draw_noise reads it: slot k keeps k when the low 32 bits of
 * the random number are below thr (probabilities to 2^-32). */
static nentry *noise_table(const double *w, uint32_t n)
{
    double *prob = rs_xmalloc(((size_t)n + 1) * sizeof *prob);
    uint32_t *alias = rs_xmalloc(((size_t)n + 1) * sizeof *alias);
    rs_alias_build(w, n, prob, alias);
    nentry *tab = rs_xcalloc((size_t)n + 1, sizeof *tab);
    for (uint32_t k = 0; k < n; k++) {
        double q = prob[k] * 4294967296.0;
        tab[k].thr = q >= 4294967295.0 ? UINT32_MAX : (uint32_t)llround(q);
        tab[k].alias = alias[k];
    }
    free(prob);
    free(alias);
    return tab;
}

typedef struct vrank { uint64_t c; uint32_t i; } vrank;

/* Most frequent first, ties in item order. */
static int cmp_vrank(const void *a, const void *b)
{
    const vrank *x = a, *y = b;
    if (x->c != y->c) return x->c > y->c ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* The vocabulary: the items seen at least min_count times, most frequent
 * first. */
typedef struct vocab {
    uint64_t *count;         /* item -> occurrences, 0 outside the vocabulary */
    vrank *vr;               /* rank -> (count, item) */
    uint32_t nv;
    uint32_t *rank;          /* item -> rank, UINT32_MAX outside */
    uint64_t retained;       /* occurrences of vocabulary items */
} vocab;

static void vocab_free(vocab *v)
{
    free(v->count);
    free(v->vr);
    free(v->rank);
}

static int vocab_build(const rs_csr *seq, const rs_w2v_opts *o, vocab *v, rs_err *e)
{
    uint32_t ni = seq->cols;
    memset(v, 0, sizeof *v);
    v->count = rs_xcalloc((size_t)ni + 1, sizeof *v->count);
    for (uint64_t p = 0; p < seq->nnz; p++) v->count[seq->indices[p]]++;
    v->vr = rs_xmalloc(((size_t)ni + 1) * sizeof *v->vr);
    for (uint32_t i = 0; i < ni; i++) {
        if (v->count[i] == 0 || v->count[i] < o->min_count) {
            v->count[i] = 0;
            continue;
        }
        v->vr[v->nv++] = (vrank){ v->count[i], i };
        v->retained += v->count[i];
    }
    if (v->nv == 0) {
        vocab_free(v);
        return rs_errf(e, RS_EDATA, "no item occurs %llu times or more (--min-count): nothing to train",
                       (unsigned long long)o->min_count);
    }
    qsort(v->vr, v->nv, sizeof *v->vr, cmp_vrank);
    v->rank = rs_xmalloc(((size_t)ni + 1) * sizeof *v->rank);
    for (uint32_t i = 0; i < ni; i++) v->rank[i] = UINT32_MAX;
    for (uint32_t r = 0; r < v->nv; r++) v->rank[v->vr[r].i] = r;
    return 0;
}

/* gensim's down-sampling thresholds, by rank. */
static uint32_t *keep_thresholds(const vocab *v, const rs_w2v_opts *o)
{
    uint32_t *keep = rs_xmalloc((size_t)v->nv * sizeof *keep);
    double thc = o->sample < 1 ? o->sample * (double)v->retained
                               : floor(o->sample * (3 + sqrt(5.0)) / 2);
    for (uint32_t r = 0; r < v->nv; r++) {
        double c = (double)v->vr[r].c, pk = 1;
        if (o->sample > 0 && thc > 0) pk = (sqrt(c / thc) + 1) * (thc / c);
        keep[r] = pk >= 1 ? UINT32_MAX : (uint32_t)(pk * 4294967295.0);
    }
    return keep;
}

/* The noise: count^ns_exponent over the vocabulary. */
static nentry *noise_of(const vocab *v, const rs_w2v_opts *o)
{
    double *w = rs_xmalloc((size_t)v->nv * sizeof *w), top = -INFINITY;
    /* In logs, scaled by the largest: a big exponent must not overflow. */
    for (uint32_t r = 0; r < v->nv; r++) {
        w[r] = o->ns_exponent * log((double)v->vr[r].c);
        if (w[r] > top) top = w[r];
    }
    for (uint32_t r = 0; r < v->nv; r++) w[r] = exp(w[r] - top);
    nentry *noise = noise_table(w, v->nv);
    free(w);
    return noise;
}

/* Chunks of whole sequences, the same whatever the thread count: chunk c
 * is rows chunk[c] .. chunk[c + 1] - 1. */
static uint32_t *chunks_of(const rs_csr *seq, uint32_t *nchunks, uint32_t *maxlen)
{
    uint32_t *chunk = rs_xmalloc(((size_t)seq->rows + 2) * sizeof *chunk);
    uint64_t acc = 0;
    *nchunks = *maxlen = 0;
    chunk[0] = 0;
    for (uint32_t r = 0; r < seq->rows; r++) {
        uint64_t len = seq->indptr[r + 1] - seq->indptr[r];
        if (len > *maxlen) *maxlen = len > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)len;
        acc += len;
        if (acc >= CHUNK_WORDS || r + 1 == seq->rows) {
            chunk[++*nchunks] = r + 1;
            acc = 0;
        }
    }
    return chunk;
}

/* The training state, with the input vectors at their random start. */
static train *train_new(const rs_csr *seq, const rs_w2v_opts *o, uint32_t nv)
{
    train *t = rs_xcalloc(1, sizeof *t);
    t->seq = seq;
    t->o = o;
    t->st = (o->dim + PAD - 1) / PAD * PAD;
    t->in = falloc((size_t)nv * t->st);
    t->out = falloc((size_t)nv * t->st);
    for (int k = 0; k <= SIG_SIZE; k++) {
        /* The middle of each cell.  (gensim and word2vec.c index their
         * table with an integer-divided scale, 83 for 83.33, which biases
         * the sigmoid by 0.4%: not copied.) */
        double x = -MAX_EXP + (k + 0.5) * (2 * MAX_EXP / SIG_SIZE);
        t->sig[k] = (float)(1 / (1 + exp(-x)));
    }
#if defined(__x86_64__) || defined(__i386__)
    t->avx2 = o->simd == 0 && __builtin_cpu_supports("avx2");
    t->avx512 = o->simd == 0 && __builtin_cpu_supports("avx512f") &&
                __builtin_cpu_supports("avx512vl");
#endif
    rs_rng r;
    rs_rng_seed2(&r, o->seed, 0);
    for (uint32_t v = 0; v < nv; v++) {
        float *x = t->in + (size_t)v * t->st;
        for (uint32_t k = 0; k < o->dim; k++)
            x[k] = (float)((rs_rng_double(&r) * 2 - 1) / o->dim);
    }
    return t;
}

/* The trained vectors into m, by item (items outside the vocabulary 0). */
static void take_vectors(const train *t, const vocab *v, rs_w2v *m)
{
    const rs_w2v_opts *o = t->o;
    uint32_t ni = t->seq->cols;
    m->in = rs_xcalloc((size_t)ni * o->dim + 1, sizeof(float));
    m->out = rs_xcalloc((size_t)ni * o->dim + 1, sizeof(float));
    for (uint32_t r = 0; r < v->nv; r++) {
        size_t i = v->vr[r].i;
        memcpy(m->in + i * o->dim, t->in + (size_t)r * t->st, o->dim * sizeof(float));
        memcpy(m->out + i * o->dim, t->out + (size_t)r * t->st, o->dim * sizeof(float));
    }
}

/* The vectors as a factor model that ranks as score_w2v does (its softmax
 * keeps the order of h . out[i], and a sum orders as the mean). */
static void epoch_view(const train *t, const vocab *v, const rs_csr *seq, float *P, float *Q, float *bi,
                       rs_mf_view *view)
{
    const uint32_t d = t->o->dim;
    memset(P, 0, (size_t)seq->rows * d * sizeof *P);
    for (uint32_t u = 0; u < seq->rows; u++)
        for (uint64_t x = seq->indptr[u]; x < seq->indptr[u + 1]; x++) {
            uint32_t r = v->rank[seq->indices[x]];
            if (r == UINT32_MAX) continue;
            for (uint32_t a = 0; a < d; a++) P[(size_t)u * d + a] += t->in[(size_t)r * t->st + a];
        }
    for (uint32_t i = 0; i < seq->cols; i++) {
        uint32_t r = v->rank[i];
        if (r == UINT32_MAX) {
            memset(Q + (size_t)i * d, 0, d * sizeof *Q);
            bi[i] = -INFINITY;
        } else {
            memcpy(Q + (size_t)i * d, t->out + (size_t)r * t->st, d * sizeof *Q);
            bi[i] = 0;
        }
    }
    *view = (rs_mf_view){ seq->rows, seq->cols, (int)d, d, P, Q, NULL, bi, 0 };
}

/* --validate: one parallel region per epoch, the metric after each. */
static void by_epoch(train *t, const vocab *v, const rs_csr *seq, int nth, rs_err *e)
{
    const rs_w2v_opts *o = t->o;
    size_t d = o->dim;
    float *P = rs_xmalloc((size_t)seq->rows * d * sizeof *P + 1);
    float *Q = rs_xmalloc((size_t)seq->cols * d * sizeof *Q + 1);
    float *bi = rs_xmalloc(((size_t)seq->cols + 1) * sizeof *bi);
    rs_early early;
    rs_early_init(&early, o->patience, 1);
    rs_early_track(&early, t->in, (size_t)v->nv * t->st);
    rs_early_track(&early, t->out, (size_t)v->nv * t->st);
    uint32_t ep;
    int stop = 0;
    for (ep = 0; ep < o->epochs && !stop; ep++) {
        atomic_store(&t->next, (uint64_t)ep * t->nchunks);
        t->limit = (uint64_t)(ep + 1) * t->nchunks;
        rs_parallel_for(nth, (size_t)nth, worker, t, e);
        rs_mf_view view;
        epoch_view(t, v, seq, P, Q, bi, &view);
        stop = rs_early_update(&early, (int)ep + 1, o->validate(o->vctx, (int)ep + 1, &view));
    }
    int best = rs_early_restore(&early, (int)ep);
    if (o->best_epoch) *o->best_epoch = best;
    rs_early_free(&early);
    free(P);
    free(Q);
    free(bi);
}

int rs_w2v_train(const rs_csr *seq, const rs_w2v_opts *o, rs_progress *progress, rs_w2v *m,
                 rs_err *e)
{
    memset(m, 0, sizeof *m);
    if (rs_w2v_check(o, e) < 0) return -1;
    vocab v;
    if (vocab_build(seq, o, &v, e) < 0) return -1;
    uint32_t *keep = keep_thresholds(&v, o);
    nentry *noise = noise_of(&v, o);
    uint32_t nchunks, maxlen;
    uint32_t *chunk = chunks_of(seq, &nchunks, &maxlen);

    train *t = train_new(seq, o, v.nv);
    t->rank = v.rank;
    t->keep = keep;
    t->noise = noise;
    t->nnoise = v.nv;
    t->chunk = chunk;
    t->nchunks = nchunks;
    t->maxlen = maxlen;
    t->progress = progress && progress->on ? progress : NULL;
    t->t0 = rs_now();
    uint64_t jobs = (uint64_t)nchunks * o->epochs;
    int nth = (uint64_t)o->threads > jobs ? (int)jobs : o->threads;
    t->hot = nth > 1 ? v.nv : 0;
    t->sync = nchunks / 16 > SYNC_MAX ? SYNC_MAX : nchunks / 16 ? nchunks / 16 : 1;
    pthread_mutex_init(&t->merge, NULL);
    if (o->validate) {
        by_epoch(t, &v, seq, nth, e);
    } else {
        t->limit = jobs;
        rs_parallel_for(nth, (size_t)nth, worker, t, e);   /* worker never fails */
    }

    m->items = seq->cols;
    m->dim = o->dim;
    m->vocab = v.nv;
    m->words = seq->nnz;
    m->trained = atomic_load(&t->trained);
    m->kernel = t->avx512 ? "avx512" : t->avx2 ? "avx2" : "sse";
    take_vectors(t, &v, m);
    m->count = v.count;
    v.count = NULL;
    pthread_mutex_destroy(&t->merge);
    free(t->in);
    free(t->out);
    free(t);
    free(chunk);
    free(noise);
    free(keep);
    vocab_free(&v);
    /* Epochs interleave over the threads, so the vectors are looked at once,
     * before they are written: a step size too large overflows them. */
    char hint[200];
    snprintf(hint, sizeof hint, "the learning rate (--alpha %g) is too large; try --alpha 0.025",
             o->alpha);
    size_t n = (size_t)m->items * o->dim;
    if (rs_diverged_f32("word2vec", "the end", "an input vector", m->in, n, o->dim, hint, e) < 0 ||
        rs_diverged_f32("word2vec", "the end", "an output vector", m->out, n, o->dim, hint, e) < 0) {
        rs_w2v_free(m);
        return -1;
    }
    return 0;
}

void rs_w2v_free(rs_w2v *m)
{
    free(m->in);
    free(m->out);
    free(m->count);
    memset(m, 0, sizeof *m);
}

typedef struct tpos { int64_t t; uint64_t p; } tpos;

static int cmp_tpos(const void *a, const void *b)
{
    const tpos *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return x->p < y->p ? -1 : x->p > y->p;
}

void rs_w2v_time_order(const rs_csr *m, rs_csr *out)
{
    *out = *m;
    out->owned = 1;
    out->indptr = rs_xmalloc(((size_t)m->rows + 1) * sizeof *out->indptr);
    memcpy(out->indptr, m->indptr, ((size_t)m->rows + 1) * sizeof *out->indptr);
    out->indices = rs_xmalloc((m->nnz + 1) * sizeof *out->indices);
    out->values = rs_xmalloc((m->nnz + 1) * sizeof *out->values);
    out->times = rs_xmalloc((m->nnz + 1) * sizeof *out->times);
    uint64_t maxlen = 0;
    for (uint32_t r = 0; r < m->rows; r++)
        if (m->indptr[r + 1] - m->indptr[r] > maxlen) maxlen = m->indptr[r + 1] - m->indptr[r];
    tpos *buf = rs_xmalloc((maxlen + 1) * sizeof *buf);
    for (uint32_t r = 0; r < m->rows; r++) {
        uint64_t a = m->indptr[r], n = m->indptr[r + 1] - a;
        for (uint64_t k = 0; k < n; k++) buf[k] = (tpos){ m->times[a + k], a + k };
        /* Ties keep input order: the position breaks them. */
        qsort(buf, n, sizeof *buf, cmp_tpos);
        for (uint64_t k = 0; k < n; k++) {
            out->indices[a + k] = m->indices[buf[k].p];
            out->values[a + k] = m->values[buf[k].p];
            out->times[a + k] = buf[k].t;
        }
    }
    free(buf);
}

/* The shortest text that reads back as v: "0.025", not "0.025000000000000001". */
static void meta_num(rs_bundle *b, const char *key, double v)
{
    char buf[RS_NUM_BUF];
    rs_num_fmt_f64(buf, v);
    rs_meta_set(b, key, buf);
}

void rs_w2v_put(rs_w2v *m, const rs_w2v_opts *o, const char *order, rs_bundle *b)
{
    /* Another model's parameters must not ride along under model=w2v. */
    rs_layout_start_model(b);
    rs_bundle_put(b, "w2v_in", RS_F32, m->items, m->dim, m->in, 1);
    rs_bundle_put(b, "w2v_out", RS_F32, m->items, m->dim, m->out, 1);
    rs_bundle_put(b, "w2v_count", RS_U64, m->items, 1, m->count, 1);
    m->in = m->out = NULL;
    m->count = NULL;
    rs_meta_set(b, "model", "w2v");
    rs_meta_set(b, "sg", o->sg ? "1" : "0");
    meta_num(b, "vector_size", o->dim);
    meta_num(b, "window", o->window);
    meta_num(b, "min_count", (double)o->min_count);
    meta_num(b, "negative", o->negative);
    meta_num(b, "ns_exponent", o->ns_exponent);
    meta_num(b, "sample", o->sample);
    meta_num(b, "alpha", o->alpha);
    meta_num(b, "min_alpha", o->min_alpha);
    meta_num(b, "epochs", o->epochs);
    rs_meta_set(b, "cbow_mean", o->cbow_mean ? "1" : "0");
    rs_meta_set(b, "shrink_windows", o->shrink_windows ? "1" : "0");
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)o->seed);
    rs_meta_set(b, "seed", buf);
    rs_meta_set(b, "order", order);
    meta_num(b, "vocab", m->vocab);
}

/* Shortest %g that reads back as the same float. */
static void put_float(FILE *f, float v)
{
    rs_put_f32(f, v);
}

int rs_w2v_write_text(FILE *f, const rs_w2v *m, const char *const *ids, rs_err *e)
{
    vrank *v = rs_xmalloc(((size_t)m->vocab + 1) * sizeof *v);
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->items; i++) {
        if (!m->count[i]) continue;
        const char *s = ids[i];
        if (!*s || strpbrk(s, " \t\n\r\v\f")) {
            free(v);
            return rs_errf(e, RS_EDATA, "item id '%.60s' %s, which the word2vec text format "
                           "cannot hold", s, *s ? "has white space" : "is empty");
        }
        v[n++] = (vrank){ m->count[i], i };
    }
    qsort(v, n, sizeof *v, cmp_vrank);
    fprintf(f, "%u %u\n", n, m->dim);
    for (uint32_t k = 0; k < n; k++) {
        const float *x = m->in + (size_t)v[k].i * m->dim;
        fputs(ids[v[k].i], f);
        for (uint32_t d = 0; d < m->dim; d++) {
            putc(' ', f);
            put_float(f, x[d]);
        }
        putc('\n', f);
    }
    free(v);
    return 0;
}
