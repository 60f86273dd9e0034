/* rec_blocks.h: the engine under recommend.h.  Queries in blocks: one
 * call fills a block of score rows, each row is masked and goes through a
 * bounded heap, and the worker formats the block's lists into memory; the
 * worker that completes the block next in query order writes it (and any
 * done blocks after it), so the output is byte-identical for any thread
 * count.  At most 4 blocks per worker wait to be written. */
#ifndef RS_REC_BLOCKS_H
#define RS_REC_BLOCKS_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "score/recommend.h"

/* A kind of query (users, histories, similar items). */
typedef struct rs_rec_src {
    size_t nq;                  /* queries */
    uint32_t nitems;            /* row width */
    /* Score rows q0 .. q0 + nq - 1 into scores (nq x nitems); ids is
     * scratch for nq indices.  Called on several threads at once. */
    int (*fill)(const void *src, size_t q0, size_t nq, float *scores, uint32_t *ids, rs_err *e);
    /* The items query q never gets (*n of them at *items). */
    void (*masked)(const void *src, size_t q, const uint32_t **items, size_t *n);
    /* Optional: fill() restricted to items [c0, c0 + nc), into scores
     * (nq x nc).  With it a block is scored and selected one cache-sized
     * tile of items at a time, so scores never go out to memory. */
    int (*fill_cols)(const void *src, size_t q0, size_t nq, uint32_t c0, uint32_t nc,
                     float *scores, uint32_t *ids, rs_err *e);
    const void *src;
} rs_rec_src;

/* Lists of o->n (at most nitems) for every query, through emit into out.
 * On an error, out has the lists of the blocks before the first block
 * that failed, and e its error. */
int rs_rec_blocks(const rs_rec_src *src, const rs_rec_opts *o, rs_rec_emit emit, void *ctx,
                  FILE *out, rs_err *e);

#endif
