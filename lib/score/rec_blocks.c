/* rec_blocks.c: blocked, threaded top-N with output in query order; see
 * rec_blocks.h. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "score/rec_blocks.h"
#include "common/parallel.h"
#include "common/topk.h"

#define BLOCK_FLOATS (4u << 20)   /* 16 MB of scores per block: a few blocks fit L3 */
#define BLOCK_MAX 1024
#define TILE_FLOATS (128u << 10) /* 512 KB of scores per tile: stays in L2 */
#define NONE ((size_t)-1)

typedef struct slot {
    int done;
    char *text;
    size_t len;
} slot;

typedef struct job {
    const rs_rec_src *src;
    size_t block, nblocks, window, n;
    uint32_t tile;              /* items per tile with src->fill_cols, else 0 */
    rs_rec_emit emit;
    void *ctx;
    FILE *out;
    rs_progress *progress;
    const unsigned char *allow; /* rs_rec_opts's */
    /* Shared between the workers, under mu. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next;                /* the next block to take */
    size_t written;             /* blocks written */
    int writing;                /* a worker is writing (without mu) */
    slot *slots;                /* block b in slots[b % window] */
    size_t failed;              /* the first block that failed, or NONE */
    rs_err err;                 /* its error */
} job;

typedef struct scratch {
    float *scores;              /* block x nitems (block x tile when tiled) */
    uint32_t *ids;              /* block */
    rs_topk top;
    rs_topk *tops;              /* block heaps, when tiled */
    uint32_t *mstart;           /* tiles + 1: the block's masked entries by tile */
    uint32_t (*ment)[2];        /* (query in block, item), grouped by tile */
    size_t mcap;
} scratch;

size_t rs_rec_default_block(uint32_t nitems)
{
    size_t b = BLOCK_FLOATS / (nitems ? nitems : 1);
    return b < 1 ? 1 : b > BLOCK_MAX ? BLOCK_MAX : b;
}

static void scratch_init(scratch *sc, const job *j)
{
    uint32_t w = j->src->nitems;
    memset(sc, 0, sizeof *sc);
    /* A block of one query takes the whole-row path (see do_block). */
    size_t rows = j->tile ? (j->block > 1 ? j->block : 0) : 0;
    if (j->tile && w > j->tile) w = j->tile;
    if (j->block == 1) w = j->src->nitems;
    sc->scores = rs_xmalloc(j->block * (size_t)(w ? w : 1) * sizeof *sc->scores);
    sc->ids = rs_xmalloc(j->block * sizeof *sc->ids);
    rs_topk_init(&sc->top, j->n);
    sc->tops = rows ? rs_xmalloc(rows * sizeof *sc->tops) : NULL;
    for (size_t r = 0; r < rows; r++) rs_topk_init(&sc->tops[r], j->n);
    if (j->tile && j->block > 1 && j->src->nq % j->block == 1) {
        /* The last block has one query: it needs a whole row. */
        free(sc->scores);
        w = j->src->nitems > j->tile ? j->src->nitems : j->tile;
        sc->scores = rs_xmalloc(j->block * (size_t)(w ? w : 1) * sizeof *sc->scores);
    }
}

static void scratch_free(scratch *sc, const job *j)
{
    free(sc->scores);
    free(sc->ids);
    rs_topk_free(&sc->top);
    if (sc->tops)
        for (size_t r = 0; r < j->block; r++) rs_topk_free(&sc->tops[r]);
    free(sc->tops);
    free(sc->mstart);
    free(sc->ment);
}

/* Push every entry of row that can enter the heap.  Nearly all entries
 * lose to the threshold once the heap is full, so the scan tests 16 at a
 * time and looks closer only when one of them wins.  Entries are visited
 * in index order, so a later equal score never displaces an earlier one,
 * which is exactly the heap's tie rule. */
static void scan_row(rs_topk *t, const float *row, uint32_t n, uint32_t base)
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
                rs_topk_push(t, row[k], base + k);
                thr = rs_topk_threshold(t);
            }
    }
#endif
    for (; j < n; j++)
        if (row[j] > thr) {
            rs_topk_push(t, row[j], base + j);
            thr = rs_topk_threshold(t);
        }
}

size_t rs_rec_top_row(rs_topk *t, float *row, uint32_t nitems, const uint32_t *mask,
                      size_t nmask)
{
    for (size_t p = 0; p < nmask; p++) row[mask[p]] = -INFINITY;
    rs_topk_clear(t);
    scan_row(t, row, nitems, 0);
    return rs_topk_sorted(t);
}

/* Score and select a block of queries one tile of items at a time: the
 * tile of scores is made, masked and scanned while it is in cache, into
 * one heap per query.  Tiles go in item order, so each heap sees its
 * row's entries in index order, as rs_rec_top_row does, and keeps the
 * same list. */
static int tiled_block(const job *j, scratch *sc, size_t q0, size_t nq, rs_err *e)
{
    const rs_rec_src *src = j->src;
    uint32_t ntiles = (src->nitems + j->tile - 1) / j->tile;
    /* The masked items by tile (a counting sort), so that each tile masks
     * only its own: a history is not sorted by item. */
    if (!sc->mstart) sc->mstart = rs_xmalloc(((size_t)ntiles + 2) * sizeof *sc->mstart);
    memset(sc->mstart, 0, ((size_t)ntiles + 2) * sizeof *sc->mstart);
    size_t total = 0;
    for (size_t k = 0; k < nq; k++) {
        const uint32_t *mi;
        size_t mn;
        src->masked(src->src, q0 + k, &mi, &mn);
        for (size_t p = 0; p < mn; p++)
            if (mi[p] < src->nitems) sc->mstart[mi[p] / j->tile + 2]++;
        total += mn;
    }
    if (total > sc->mcap) {
        free(sc->ment);
        sc->mcap = total + total / 2;
        sc->ment = rs_xmalloc(sc->mcap * sizeof *sc->ment);
    }
    for (uint32_t t = 2; t < ntiles + 2; t++) sc->mstart[t] += sc->mstart[t - 1];
    for (size_t k = 0; k < nq; k++) {
        const uint32_t *mi;
        size_t mn;
        src->masked(src->src, q0 + k, &mi, &mn);
        for (size_t p = 0; p < mn; p++)
            if (mi[p] < src->nitems) {
                uint32_t *m = sc->ment[sc->mstart[mi[p] / j->tile + 1]++];
                m[0] = (uint32_t)k;
                m[1] = mi[p];
            }
    }
    for (size_t k = 0; k < nq; k++) rs_topk_clear(&sc->tops[k]);
    for (uint32_t c0 = 0, t = 0; c0 < src->nitems; c0 += j->tile, t++) {
        uint32_t nc = src->nitems - c0 < j->tile ? src->nitems - c0 : j->tile;
        if (src->fill_cols(src->src, q0, nq, c0, nc, sc->scores, sc->ids, e) < 0) return -1;
        for (uint32_t p = sc->mstart[t]; p < sc->mstart[t + 1]; p++)
            sc->scores[sc->ment[p][0] * (size_t)nc + sc->ment[p][1] - c0] = -INFINITY;
        for (size_t k = 0; k < nq; k++)
            scan_row(&sc->tops[k], sc->scores + k * (size_t)nc, nc, c0);
    }
    return 0;
}

/* Score, select and format block b into a malloc'd text. */
static int do_block(const job *j, scratch *sc, size_t b, char **text, size_t *len, rs_err *e)
{
    const rs_rec_src *src = j->src;
    size_t q0 = b * j->block;
    size_t nq = src->nq - q0 < j->block ? src->nq - q0 : j->block;
    *text = NULL;
    *len = 0;
    /* One query alone takes the whole-row path, whose scorer call may
     * differ (factor models: SGEMV, not SGEMM). */
    int tiled = j->tile && nq > 1;
    if (tiled ? tiled_block(j, sc, q0, nq, e) < 0
              : src->fill(src->src, q0, nq, sc->scores, sc->ids, e) < 0)
        return -1;
    FILE *f = open_memstream(text, len);
    if (!f) return rs_errf(e, RS_EDATA, "out of memory for the output of a block");
    int rc = 0;
    for (size_t k = 0; k < nq && rc == 0; k++) {
        rs_topk *t = tiled ? &sc->tops[k] : &sc->top;
        size_t n;
        if (tiled) {
            n = rs_topk_sorted(t);
        } else {
            float *row = sc->scores + k * (size_t)src->nitems;
            const uint32_t *mi;
            size_t mn;
            src->masked(src->src, q0 + k, &mi, &mn);
            if (j->allow)
                for (uint32_t i = 0; i < src->nitems; i++)
                    if (!j->allow[i]) row[i] = -INFINITY;
            n = rs_rec_top_row(t, row, src->nitems, mi, mn);
        }
        rc = j->emit(j->ctx, f, q0 + k, t->idx, t->score, n, e);
    }
    if (fclose(f) != 0 && rc == 0) rc = rs_errf(e, RS_EDATA, "out of memory for the output of a block");
    if (rc < 0) {
        free(*text);
        *text = NULL;
    }
    return rc;
}

/* With mu held: write the done blocks that are next in order, unless
 * another worker is at it (it will find them) or a block before them
 * failed.  mu is let go while writing. */
static void write_ready(job *j)
{
    while (!j->writing && j->written < j->nblocks && j->written < j->failed) {
        slot *s = &j->slots[j->written % j->window];
        if (!s->done) break;
        char *text = s->text;
        size_t len = s->len, b = j->written;
        s->done = 0;
        s->text = NULL;
        j->writing = 1;
        pthread_mutex_unlock(&j->mu);
        fwrite(text, 1, len, j->out);
        free(text);
        if (j->progress) rs_progress_update(j->progress, b + 1, j->nblocks, "blocks");
        pthread_mutex_lock(&j->mu);
        j->writing = 0;
        j->written++;
        pthread_cond_broadcast(&j->cv);
    }
}

/* Blocks in order from the shared counter.  Every block before the first
 * that fails was taken before it, so it is finished and written: what is
 * written and the error reported do not depend on timing. */
static int worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    job *j = arg;
    scratch sc;
    scratch_init(&sc, j);
    pthread_mutex_lock(&j->mu);
    for (;;) {
        /* Stay within the window, so a slow block cannot make the others
         * pile up unbounded text in memory. */
        while (j->failed == NONE && j->next < j->nblocks && j->next >= j->written + j->window)
            pthread_cond_wait(&j->cv, &j->mu);
        if (j->failed != NONE || j->next >= j->nblocks) break;
        size_t b = j->next++;
        pthread_mutex_unlock(&j->mu);
        rs_err be = { 0 };
        char *text;
        size_t len;
        int rc = do_block(j, &sc, b, &text, &len, &be);
        pthread_mutex_lock(&j->mu);
        if (rc < 0) {
            if (b < j->failed) {
                j->failed = b;
                j->err = be;
            }
        } else {
            slot *s = &j->slots[b % j->window];
            s->text = text;
            s->len = len;
            s->done = 1;
        }
        write_ready(j);
        pthread_cond_broadcast(&j->cv);
    }
    pthread_mutex_unlock(&j->mu);
    scratch_free(&sc, j);
    return 0;
}

int rs_rec_blocks(const rs_rec_src *src, const rs_rec_opts *o, rs_rec_emit emit, void *ctx,
                  FILE *out, rs_err *e)
{
    if (o->n == 0) return rs_errf(e, RS_EUSAGE, "list length must be at least 1");
    if (src->nq == 0) return 0;
    job j = { .src = src, .emit = emit, .ctx = ctx, .out = out, .progress = o->progress,
              .allow = o->allow,
              .failed = NONE };
    j.n = o->n < src->nitems ? o->n : src->nitems;
    j.block = o->block ? o->block : rs_rec_default_block(src->nitems);
    if (j.block > src->nq) j.block = src->nq;
    j.nblocks = (src->nq + j.block - 1) / j.block;
    /* --candidates masks whole rows: the whole-row path does that. */
    if (src->fill_cols && !o->allow) {
        size_t t = TILE_FLOATS / j.block / 16 * 16;
        j.tile = (uint32_t)(t < 64 ? 64 : t);
    }
    size_t threads = o->threads < 1 ? 1 : (size_t)o->threads;
    if (threads > j.nblocks) threads = j.nblocks;
    j.window = 4 * threads;
    j.slots = rs_xcalloc(j.window, sizeof *j.slots);
    pthread_mutex_init(&j.mu, NULL);
    pthread_cond_init(&j.cv, NULL);
    if (o->progress) rs_progress_start(o->progress, "recommending");
    rs_parallel_for((int)threads, threads, worker, &j, e);   /* worker never fails */
    if (o->progress) rs_progress_end(o->progress);
    int rc = 0;
    if (j.failed != NONE) {
        *e = j.err;
        rc = -1;
    }
    for (size_t w = 0; w < j.window; w++) free(j.slots[w].text);
    free(j.slots);
    pthread_cond_destroy(&j.cv);
    pthread_mutex_destroy(&j.mu);
    return rc;
}
