/* rp3.c: RP3beta's item-item weights (rp3.h). */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/parallel.h"
#include "common/topk.h"
#include "model/rp3.h"

/* Rows a worker takes at a time from the shared counter. */
#define RP3_BLOCK 16

typedef struct walk {
    uint32_t users, items, k;
    uint64_t *up;           /* users + 1: Pui's rows */
    uint32_t *ui;           /* their items, sorted, distinct */
    double *uv;             /* (value / row sum)^alpha */
    uint64_t *ip;           /* items + 1: each item's users */
    uint32_t *iu;
    double *left;           /* items: d(i)^-alpha (0 for an item nobody has) */
    double *pen;            /* items: d(j)^-beta (0 likewise) */
    uint32_t *cnt;          /* items: entries kept per row */
    uint32_t *idx;          /* items x k */
    float *val;             /* items x k */
    atomic_uint_fast64_t next, done;
    rs_progress *progress;
} walk;

/* Pui from m: rows sorted, repeated entries summed (or 1 with binary),
 * scaled to sum 1, raised to alpha.  Fails on a negative or non-finite
 * value, which no walk probability can be. */
static int build_pui(const rs_csr *m, const rs_rp3_opts *o, walk *w, rs_err *e)
{
    rs_csr s;
    rs_csr view = *m;
    view.times = NULL;
    rs_csr_sorted_copy(&view, &s);
    w->up = rs_xmalloc(((size_t)m->rows + 1) * sizeof *w->up);
    w->ui = rs_xmalloc((s.nnz + 1) * sizeof *w->ui);
    w->uv = rs_xmalloc((s.nnz + 1) * sizeof *w->uv);
    uint64_t n = 0;
    int rc = 0;
    for (uint32_t u = 0; u < m->rows && rc == 0; u++) {
        uint64_t start = n;
        w->up[u] = n;
        for (uint64_t p = s.indptr[u]; p < s.indptr[u + 1]; p++) {
            float v = s.values[p];
            if (!(v >= 0) || !isfinite(v)) {
                rc = rs_errf(e, RS_EDATA, "rp3: user %u has the value %g for item %u; a random "
                             "walk needs values >= 0 (--binary takes every entry as 1)",
                             u, (double)v, s.indices[p]);
                break;
            }
            double x = o->binary ? 1.0 : v;
            if (n > start && w->ui[n - 1] == s.indices[p]) {
                if (!o->binary) w->uv[n - 1] += x;
                continue;
            }
            w->ui[n] = s.indices[p];
            w->uv[n++] = x;
        }
        double sum = 0;
        for (uint64_t p = start; p < n; p++) sum += w->uv[p];
        for (uint64_t p = start; p < n; p++)
            w->uv[p] = sum > 0 ? pow(w->uv[p] / sum, o->alpha) : 0;
    }
    w->up[m->rows] = n;
    rs_csr_free(&s);
    return rc;
}

/* Each item's users (ascending), its degree's two powers. */
static void build_items(walk *w, const rs_rp3_opts *o)
{
    uint32_t ni = w->items;
    w->ip = rs_xcalloc((size_t)ni + 2, sizeof *w->ip);
    uint64_t nnz = w->up[w->users];
    for (uint64_t p = 0; p < nnz; p++) w->ip[w->ui[p] + 2]++;
    for (uint32_t i = 0; i < ni; i++) w->ip[i + 2] += w->ip[i + 1];
    w->iu = rs_xmalloc((nnz + 1) * sizeof *w->iu);
    for (uint32_t u = 0; u < w->users; u++)
        for (uint64_t p = w->up[u]; p < w->up[u + 1]; p++) w->iu[w->ip[w->ui[p] + 1]++] = u;
    w->left = rs_xmalloc(((size_t)ni + 1) * sizeof *w->left);
    w->pen = rs_xmalloc(((size_t)ni + 1) * sizeof *w->pen);
    for (uint32_t i = 0; i < ni; i++) {
        double d = (double)(w->ip[i + 1] - w->ip[i]);
        w->left[i] = d > 0 ? pow(d, -o->alpha) : 0;
        w->pen[i] = d > 0 ? pow(d, -o->beta) : 0;
    }
}

typedef struct scratch {
    double *acc;            /* items, all 0 between rows */
    unsigned char *mark;    /* items, all 0 between rows */
    uint32_t *list;         /* items touched */
    rs_topk top;
} scratch;

static inline void offer(rs_topk *t, double v, uint32_t j)
{
    float f = (float)v;
    if (f > 0 && f >= rs_topk_threshold(t)) rs_topk_push(t, f, j);
}

static void row(walk *w, scratch *sc, uint32_t i)
{
    uint32_t ni = w->items;
    uint64_t work = 0;
    for (uint64_t p = w->ip[i]; p < w->ip[i + 1]; p++) {
        uint32_t u = w->iu[p];
        work += w->up[u + 1] - w->up[u];
    }
    rs_topk_clear(&sc->top);
    double *acc = sc->acc, left = w->left[i];
    if (work >= ni / 4) {
        /* Most items are reached: no bookkeeping, scan them all. */
        for (uint64_t p = w->ip[i]; p < w->ip[i + 1]; p++) {
            uint32_t u = w->iu[p];
            for (uint64_t q = w->up[u]; q < w->up[u + 1]; q++) acc[w->ui[q]] += w->uv[q];
        }
        acc[i] = 0;
        for (uint32_t j = 0; j < ni; j++)
            if (acc[j] > 0) {
                offer(&sc->top, left * acc[j] * w->pen[j], j);
                acc[j] = 0;
            }
    } else {
        size_t m = 0;
        for (uint64_t p = w->ip[i]; p < w->ip[i + 1]; p++) {
            uint32_t u = w->iu[p];
            for (uint64_t q = w->up[u]; q < w->up[u + 1]; q++) {
                uint32_t j = w->ui[q];
                if (!sc->mark[j]) {
                    sc->mark[j] = 1;
                    sc->list[m++] = j;
                }
                acc[j] += w->uv[q];
            }
        }
        for (size_t t = 0; t < m; t++) {
            uint32_t j = sc->list[t];
            if (j != i) offer(&sc->top, left * acc[j] * w->pen[j], j);
            acc[j] = 0;
            sc->mark[j] = 0;
        }
    }
    size_t got = rs_topk_sorted(&sc->top);
    w->cnt[i] = (uint32_t)got;
    memcpy(w->idx + (size_t)i * w->k, sc->top.idx, got * sizeof *w->idx);
    memcpy(w->val + (size_t)i * w->k, sc->top.score, got * sizeof *w->val);
}

/* Rows are shared out dynamically; each row is the same whoever computes it. */
static int worker(void *arg, int t, size_t lo, size_t hi, rs_err *e)
{
    (void)lo; (void)hi; (void)e;
    walk *w = arg;
    uint32_t ni = w->items;
    scratch sc;
    sc.acc = rs_xcalloc((size_t)ni + 1, sizeof *sc.acc);
    sc.mark = rs_xcalloc((size_t)ni + 1, 1);
    sc.list = rs_xmalloc(((size_t)ni + 1) * sizeof *sc.list);
    rs_topk_init(&sc.top, w->k);
    for (;;) {
        uint64_t r0 = atomic_fetch_add(&w->next, RP3_BLOCK);
        if (r0 >= ni) break;
        uint64_t r1 = r0 + RP3_BLOCK < ni ? r0 + RP3_BLOCK : ni;
        for (uint64_t r = r0; r < r1; r++) row(w, &sc, (uint32_t)r);
        uint64_t done = atomic_fetch_add(&w->done, r1 - r0) + (r1 - r0);
        /* One thread speaks for all: progress is not thread-safe. */
        if (t == 0 && w->progress) rs_progress_update(w->progress, done, ni, "items");
    }
    free(sc.acc);
    free(sc.mark);
    free(sc.list);
    rs_topk_free(&sc.top);
    return 0;
}

static void walk_free(walk *w)
{
    free(w->up);
    free(w->ui);
    free(w->uv);
    free(w->ip);
    free(w->iu);
    free(w->left);
    free(w->pen);
    free(w->cnt);
    free(w->idx);
    free(w->val);
}

static int check(const rs_rp3_opts *o, rs_err *e)
{
    if (!(o->alpha > 0) || !isfinite(o->alpha))
        return rs_errf(e, RS_EUSAGE, "--alpha %g: RP3beta needs alpha > 0", o->alpha);
    if (!(o->beta >= 0) || !isfinite(o->beta))
        return rs_errf(e, RS_EUSAGE, "--beta %g: RP3beta needs beta >= 0", o->beta);
    if (o->k < 1) return rs_errf(e, RS_EUSAGE, "-k must be >= 1");
    return 0;
}

int rs_rp3_weights(const rs_csr *m, const rs_rp3_opts *o, rs_csr *out, rs_err *e)
{
    memset(out, 0, sizeof *out);
    if (check(o, e) < 0) return -1;
    walk w = { .users = m->rows, .items = m->cols, .progress = o->progress };
    w.k = m->cols > 1 ? (o->k < m->cols - 1 ? o->k : m->cols - 1) : 1;
    if (build_pui(m, o, &w, e) < 0) {
        walk_free(&w);
        return -1;
    }
    build_items(&w, o);
    uint32_t ni = m->cols;
    w.cnt = rs_xcalloc((size_t)ni + 1, sizeof *w.cnt);
    w.idx = rs_xmalloc(((size_t)ni * w.k + 1) * sizeof *w.idx);
    w.val = rs_xmalloc(((size_t)ni * w.k + 1) * sizeof *w.val);
    atomic_init(&w.next, 0);
    atomic_init(&w.done, 0);
    int threads = o->threads < 1 ? 1 : o->threads;
    uint64_t blocks = ((uint64_t)ni + RP3_BLOCK - 1) / RP3_BLOCK;
    if ((uint64_t)threads > blocks) threads = blocks ? (int)blocks : 1;
    rs_parallel_for(threads, (size_t)threads, worker, &w, e);     /* worker never fails */

    out->rows = out->cols = ni;
    out->owned = 1;
    out->indptr = rs_xmalloc(((size_t)ni + 1) * sizeof *out->indptr);
    out->indptr[0] = 0;
    for (uint32_t i = 0; i < ni; i++) out->indptr[i + 1] = out->indptr[i] + w.cnt[i];
    out->nnz = out->indptr[ni];
    out->indices = rs_xmalloc((out->nnz + 1) * sizeof *out->indices);
    out->values = rs_xmalloc((out->nnz + 1) * sizeof *out->values);
    for (uint32_t i = 0; i < ni; i++) {
        memcpy(out->indices + out->indptr[i], w.idx + (size_t)i * w.k, w.cnt[i] * sizeof *w.idx);
        memcpy(out->values + out->indptr[i], w.val + (size_t)i * w.k, w.cnt[i] * sizeof *w.val);
    }
    walk_free(&w);
    return 0;
}

static void put_num(rs_bundle *b, const char *key, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", v);
    rs_meta_set(b, key, buf);
}

int rs_rp3_fit(const rs_csr *m, const rs_rp3_opts *o, rs_bundle *b, rs_err *e)
{
    if (m->nnz == 0 || m->cols == 0)
        return rs_errf(e, RS_EDATA, "the matrix has no interactions to learn from");
    rs_csr w;
    if (rs_rp3_weights(m, o, &w, e) < 0) return -1;
    rs_bundle_put(b, "item_nbr_indptr", RS_U64, (uint64_t)w.rows + 1, 1, w.indptr, 1);
    rs_bundle_put(b, "item_nbr_indices", RS_U32, w.nnz, 1, w.indices, 1);
    rs_bundle_put(b, "item_nbr_values", RS_F32, w.nnz, 1, w.values, 1);
    rs_meta_set(b, "model", "rp3");
    put_num(b, "k", m->cols > 1 && o->k > m->cols - 1 ? m->cols - 1 : o->k);
    put_num(b, "alpha", o->alpha);
    put_num(b, "beta", o->beta);
    rs_meta_set(b, "binary", o->binary ? "1" : "0");
    return 0;
}
