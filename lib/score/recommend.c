/* recommend.c: blocked, threaded top-N over a scorer; see recommend.h. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "score/recommend.h"
#include "common/topk.h"

enum { SRC_USERS, SRC_HISTORY, SRC_SIMILAR };

#define BLOCK_FLOATS (4u << 20)   /* 16 MB of scores per block: a few blocks fit L3 */
#define BLOCK_MAX 1024

typedef struct slot {
    int done;
    char *text;
    size_t len;
} slot;

typedef struct job {
    rs_scorer *s;
    int src;
    const uint32_t *ids;        /* users (NULL = all) or items, by query */
    const rs_csr *h;            /* histories */
    size_t nq, block, nblocks, window, n;
    uint32_t nitems;
    int exclude;
    rs_rec_emit emit;
    void *ctx;
    /* Shared between workers and the writer, under mu. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next, written;
    slot *slots;
    int failed;
    rs_err err;
} job;

typedef struct scratch {
    float *scores;              /* block x nitems */
    uint32_t *ids;              /* block */
    rs_topk top;
} scratch;

size_t rs_rec_default_block(uint32_t nitems)
{
    size_t b = BLOCK_FLOATS / (nitems ? nitems : 1);
    return b < 1 ? 1 : b > BLOCK_MAX ? BLOCK_MAX : b;
}

static void scratch_init(scratch *sc, const job *j)
{
    sc->scores = rs_xmalloc(j->block * (size_t)(j->nitems ? j->nitems : 1) * sizeof *sc->scores);
    sc->ids = rs_xmalloc(j->block * sizeof *sc->ids);
    rs_topk_init(&sc->top, j->n);
}

static void scratch_free(scratch *sc)
{
    free(sc->scores);
    free(sc->ids);
    rs_topk_free(&sc->top);
}

/* Push every entry of row that can enter the heap.  Nearly all entries
 * lose to the threshold once the heap is full, so the scan tests 16 at a
 * time and looks closer only when one of them wins.  Entries are visited
 * in index order, so a later equal score never displaces an earlier one,
 * which is exactly the heap's tie rule. */
static void scan_row(rs_topk *t, const float *row, uint32_t n)
{
    float thr = rs_topk_threshold(t);
    uint32_t j = 0;
#if defined(__SSE2__)
    for (; j + 16 <= n; j += 16) {
        __m128 th = _mm_set1_ps(thr);
        __m128 m = _mm_or_ps(_mm_or_ps(_mm_cmpgt_ps(_mm_loadu_ps(row + j), th),
                                       _mm_cmpgt_ps(_mm_loadu_ps(row + j + 4), th)),
                             _mm_or_ps(_mm_cmpgt_ps(_mm_loadu_ps(row + j + 8), th),
                                       _mm_cmpgt_ps(_mm_loadu_ps(row + j + 12), th)));
        if (!_mm_movemask_ps(m)) continue;
        for (uint32_t k = j; k < j + 16; k++)
            if (row[k] > thr) {
                rs_topk_push(t, row[k], k);
                thr = rs_topk_threshold(t);
            }
    }
#endif
    for (; j < n; j++)
        if (row[j] > thr) {
            rs_topk_push(t, row[j], j);
            thr = rs_topk_threshold(t);
        }
}

/* The items to mask for query q. */
static void masked(const job *j, size_t q, const uint32_t **items, size_t *n)
{
    const rs_csr *m = NULL;
    size_t row = q;
    *items = NULL;
    *n = 0;
    if (j->src == SRC_SIMILAR) {
        *items = &j->ids[q];
        *n = 1;
        return;
    }
    if (!j->exclude) return;
    if (j->src == SRC_USERS) {
        m = rs_scorer_train(j->s);
        row = j->ids ? j->ids[q] : q;
    } else {
        m = j->h;
    }
    *items = m->indices + m->indptr[row];
    *n = (size_t)(m->indptr[row + 1] - m->indptr[row]);
}

static int fill(const job *j, scratch *sc, size_t q0, size_t nq, rs_err *e)
{
    size_t w = j->nitems;
    switch (j->src) {
    case SRC_USERS: {
        const uint32_t *u = j->ids ? j->ids + q0 : sc->ids;
        if (!j->ids)
            for (size_t k = 0; k < nq; k++) sc->ids[k] = (uint32_t)(q0 + k);
        return rs_scorer_users(j->s, u, nq, sc->scores, e);
    }
    case SRC_HISTORY:
        for (size_t k = 0; k < nq; k++) {
            const rs_csr *h = j->h;
            uint64_t a = h->indptr[q0 + k], b = h->indptr[q0 + k + 1];
            if (rs_scorer_history(j->s, h->indices + a, h->values + a, (size_t)(b - a),
                                  sc->scores + k * w, e) < 0)
                return -1;
        }
        return 0;
    default:
        for (size_t k = 0; k < nq; k++)
            if (rs_scorer_similar(j->s, j->ids[q0 + k], sc->scores + k * w, e) < 0) return -1;
        return 0;
    }
}

/* Score, select and format block b into a malloc'd text. */
static int do_block(const job *j, scratch *sc, size_t b, char **text, size_t *len, rs_err *e)
{
    size_t q0 = b * j->block;
    size_t nq = j->nq - q0 < j->block ? j->nq - q0 : j->block;
    *text = NULL;
    *len = 0;
    if (fill(j, sc, q0, nq, e) < 0) return -1;
    FILE *f = open_memstream(text, len);
    if (!f) return rs_errf(e, RS_EDATA, "out of memory for the output of a block");
    int rc = 0;
    for (size_t k = 0; k < nq && rc == 0; k++) {
        float *row = sc->scores + k * (size_t)j->nitems;
        const uint32_t *mi;
        size_t mn;
        masked(j, q0 + k, &mi, &mn);
        for (size_t p = 0; p < mn; p++) row[mi[p]] = -INFINITY;
        rs_topk_clear(&sc->top);
        scan_row(&sc->top, row, j->nitems);
        size_t n = rs_topk_sorted(&sc->top);
        rc = j->emit(j->ctx, f, q0 + k, sc->top.idx, sc->top.score, n, e);
    }
    if (fclose(f) != 0 && rc == 0) rc = rs_errf(e, RS_EDATA, "out of memory for the output of a block");
    if (rc < 0) {
        free(*text);
        *text = NULL;
    }
    return rc;
}

static void *worker(void *arg)
{
    job *j = arg;
    scratch sc;
    scratch_init(&sc, j);
    pthread_mutex_lock(&j->mu);
    for (;;) {
        /* Stay within the window, so a slow block cannot make the others
         * pile up unbounded text in memory. */
        while (!j->failed && j->next < j->nblocks && j->next >= j->written + j->window)
            pthread_cond_wait(&j->cv, &j->mu);
        if (j->failed || j->next >= j->nblocks) break;
        size_t b = j->next++;
        pthread_mutex_unlock(&j->mu);
        rs_err e = { 0 };
        char *text;
        size_t len;
        int rc = do_block(j, &sc, b, &text, &len, &e);
        pthread_mutex_lock(&j->mu);
        if (rc < 0) {
            if (!j->failed) j->err = e;
            j->failed = 1;
        } else {
            slot *s = &j->slots[b % j->window];
            s->text = text;
            s->len = len;
            s->done = 1;
        }
        pthread_cond_broadcast(&j->cv);
    }
    pthread_mutex_unlock(&j->mu);
    scratch_free(&sc);
    return NULL;
}

static int run(job *j, const rs_rec_opts *o, FILE *out, rs_err *e)
{
    if (o->n == 0) return rs_errf(e, RS_EUSAGE, "list length must be at least 1");
    j->n = o->n < j->nitems ? o->n : j->nitems;
    j->exclude = o->exclude_seen;
    j->block = o->block ? o->block : rs_rec_default_block(j->nitems);
    if (j->nq == 0) return 0;
    if (j->block > j->nq) j->block = j->nq;
    j->nblocks = (j->nq + j->block - 1) / j->block;
    size_t threads = o->threads < 1 ? 1 : (size_t)o->threads;
    if (threads > j->nblocks) threads = j->nblocks;
    if (o->progress) rs_progress_start(o->progress, "recommending");

    if (threads == 1) {
        scratch sc;
        scratch_init(&sc, j);
        int rc = 0;
        for (size_t b = 0; b < j->nblocks && rc == 0; b++) {
            char *text;
            size_t len;
            rc = do_block(j, &sc, b, &text, &len, e);
            if (rc == 0) fwrite(text, 1, len, out);
            free(text);
            if (o->progress) rs_progress_update(o->progress, b + 1, j->nblocks, "blocks");
        }
        scratch_free(&sc);
        if (o->progress) rs_progress_end(o->progress);
        return rc;
    }

    j->window = 4 * threads;
    j->slots = rs_xcalloc(j->window, sizeof *j->slots);
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    pthread_t *tid = rs_xmalloc(threads * sizeof *tid);
    size_t started = 0;
    for (; started < threads; started++)
        if (pthread_create(&tid[started], NULL, worker, j) != 0) break;
    if (started == 0) {
        /* Nothing started: no one else touches j, so no lock is needed. */
        j->failed = 1;
        rs_errf(&j->err, RS_EDATA, "cannot start a worker thread");
    }
    for (size_t b = 0; b < j->nblocks; b++) {
        pthread_mutex_lock(&j->mu);
        slot *s = &j->slots[b % j->window];
        while (!s->done && !j->failed) pthread_cond_wait(&j->cv, &j->mu);
        if (!s->done) {
            pthread_mutex_unlock(&j->mu);
            break;
        }
        char *text = s->text;
        size_t len = s->len;
        s->done = 0;
        s->text = NULL;
        pthread_mutex_unlock(&j->mu);
        fwrite(text, 1, len, out);
        free(text);
        pthread_mutex_lock(&j->mu);
        j->written++;
        pthread_cond_broadcast(&j->cv);
        pthread_mutex_unlock(&j->mu);
        if (o->progress) rs_progress_update(o->progress, b + 1, j->nblocks, "blocks");
    }
    for (size_t t = 0; t < started; t++) pthread_join(tid[t], NULL);
    int rc = j->failed ? -1 : 0;
    if (rc < 0) *e = j->err;
    for (size_t w = 0; w < j->window; w++) free(j->slots[w].text);
    free(j->slots);
    free(tid);
    pthread_cond_destroy(&j->cv);
    pthread_mutex_destroy(&j->mu);
    if (o->progress) rs_progress_end(o->progress);
    return rc;
}

int rs_recommend_users(rs_scorer *s, const uint32_t *users, size_t nu, const rs_rec_opts *o,
                       rs_rec_emit emit, void *ctx, FILE *out, rs_err *e)
{
    job j = { .s = s, .src = SRC_USERS, .ids = users,
              .nq = users ? nu : rs_scorer_train(s)->rows,
              .nitems = rs_scorer_nitems(s), .emit = emit, .ctx = ctx };
    return run(&j, o, out, e);
}

int rs_recommend_history(rs_scorer *s, const rs_csr *h, const rs_rec_opts *o,
                         rs_rec_emit emit, void *ctx, FILE *out, rs_err *e)
{
    if (h->cols != rs_scorer_nitems(s))
        return rs_errf(e, RS_EDATA, "histories cover %u items, the model %u",
                       h->cols, rs_scorer_nitems(s));
    job j = { .s = s, .src = SRC_HISTORY, .h = h, .nq = h->rows,
              .nitems = rs_scorer_nitems(s), .emit = emit, .ctx = ctx };
    return run(&j, o, out, e);
}

int rs_recommend_similar(rs_scorer *s, const uint32_t *items, size_t nq, const rs_rec_opts *o,
                         rs_rec_emit emit, void *ctx, FILE *out, rs_err *e)
{
    if (!rs_scorer_can_similar(s))
        return rs_scorer_similar(s, 0, NULL, e);    /* for its message */
    job j = { .s = s, .src = SRC_SIMILAR, .ids = items, .nq = nq,
              .nitems = rs_scorer_nitems(s), .emit = emit, .ctx = ctx };
    return run(&j, o, out, e);
}

void rs_history_matrix(const rs_ratings *h, const rs_idmap *model_items, rs_csr *out,
                       uint64_t *unknown)
{
    uint32_t hu = rs_idmap_size(h->users), hi = rs_idmap_size(h->items);
    int64_t *map = rs_xmalloc((hi ? hi : 1) * sizeof *map);
    for (uint32_t i = 0; i < hi; i++)
        map[i] = rs_idmap_find(model_items, rs_idmap_str(h->items, i), rs_idmap_len(h->items, i));
    memset(out, 0, sizeof *out);
    out->rows = hu;
    out->cols = rs_idmap_size(model_items);
    out->owned = 1;
    out->indptr = rs_xcalloc((size_t)hu + 1, sizeof *out->indptr);
    *unknown = 0;
    for (size_t k = 0; k < h->n; k++) {
        if (map[h->i[k]] < 0) (*unknown)++;
        else out->indptr[h->u[k] + 1]++;
    }
    for (uint32_t r = 0; r < hu; r++) out->indptr[r + 1] += out->indptr[r];
    out->nnz = out->indptr[hu];
    out->indices = rs_xmalloc((out->nnz ? out->nnz : 1) * sizeof *out->indices);
    out->values = rs_xmalloc((out->nnz ? out->nnz : 1) * sizeof *out->values);
    uint64_t *next = rs_xmalloc(((size_t)hu + 1) * sizeof *next);
    memcpy(next, out->indptr, ((size_t)hu + 1) * sizeof *next);
    for (size_t k = 0; k < h->n; k++) {
        if (map[h->i[k]] < 0) continue;
        uint64_t p = next[h->u[k]]++;
        out->indices[p] = (uint32_t)map[h->i[k]];
        out->values[p] = h->r ? (float)h->r[k] : 1.0f;
    }
    free(next);
    free(map);
}

/* Dense model index of each of the table's ids, or -1. */
static int64_t *map_ids(const rs_idmap *from, const rs_idmap *model)
{
    uint32_t n = rs_idmap_size(from);
    int64_t *map = rs_xmalloc((n ? n : 1) * sizeof *map);
    for (uint32_t k = 0; k < n; k++)
        map[k] = rs_idmap_find(model, rs_idmap_str(from, k), rs_idmap_len(from, k));
    return map;
}

#define PREDICT_CHUNK 65536

int rs_recommend_predict(rs_scorer *s, const rs_idmap *model_users, const rs_idmap *model_items,
                         const rs_ratings *p, FILE *out, uint64_t *unknown_users,
                         uint64_t *unknown_items, rs_err *e)
{
    if (!rs_scorer_can_predict(s)) return rs_scorer_predict(s, NULL, NULL, 0, NULL, e);
    int64_t *umap = map_ids(p->users, model_users);
    int64_t *imap = map_ids(p->items, model_items);
    int64_t *u = rs_xmalloc(PREDICT_CHUNK * sizeof *u), *i = rs_xmalloc(PREDICT_CHUNK * sizeof *i);
    float *score = rs_xmalloc(PREDICT_CHUNK * sizeof *score);
    *unknown_users = *unknown_items = 0;
    int rc = 0;
    for (size_t k0 = 0; k0 < p->n && rc == 0; k0 += PREDICT_CHUNK) {
        size_t n = p->n - k0 < PREDICT_CHUNK ? p->n - k0 : PREDICT_CHUNK;
        for (size_t k = 0; k < n; k++) {
            u[k] = umap[p->u[k0 + k]];
            i[k] = imap[p->i[k0 + k]];
            *unknown_users += u[k] < 0;
            *unknown_items += i[k] < 0;
        }
        if ((rc = rs_scorer_predict(s, u, i, n, score, e)) < 0) break;
        for (size_t k = 0; k < n; k++) {
            uint32_t pu = p->u[k0 + k], pi = p->i[k0 + k];
            fwrite(rs_idmap_str(p->users, pu), 1, rs_idmap_len(p->users, pu), out);
            putc('\t', out);
            fwrite(rs_idmap_str(p->items, pi), 1, rs_idmap_len(p->items, pi), out);
            putc('\t', out);
            rs_put_f32(out, score[k]);
            putc('\n', out);
        }
    }
    free(u); free(i); free(score); free(umap); free(imap);
    return rc;
}
