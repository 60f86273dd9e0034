/* recommend.h: top-N lists for many queries at once (the engine behind
 * rs-recommend), for any model kind behind scorer.h.
 *
 * Queries are processed in blocks (rec_blocks.h): one scorer call fills a
 * block of score rows (for factor models, one SGEMM for a block of users),
 * the query's own items are masked, and each row goes through a bounded
 * heap (topk.h), so the catalogue is never sorted and memory is threads x
 * block x items floats.  Blocks run on o->threads workers (rs_parallel_for,
 * which keeps BLAS on one thread meanwhile); each block's text is formatted
 * by its worker into memory and written strictly in query order, so output
 * is byte-identical for any thread count (block boundaries depend on
 * o->block only).
 *
 * Files: recommend.c (the query kinds), rec_blocks.c (the engine),
 * history.c (rs_history_matrix), predict.c (rs_recommend_predict). */
#ifndef RS_RECOMMEND_H
#define RS_RECOMMEND_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "format/csr.h"
#include "common/idmap.h"
#include "common/progress.h"
#include "common/topk.h"
#include "prep/ratings.h"
#include "score/scorer.h"

typedef struct rs_rec_opts {
    size_t n;               /* list length (top-N), >= 1 */
    int exclude_seen;       /* drop the query's own items (users: training row) */
    int threads;            /* worker threads, >= 1 */
    size_t block;           /* queries per scorer call; 0 = rs_rec_default_block */
    rs_progress *progress;  /* or NULL */
    const unsigned char *allow; /* nitems flags: only these may be listed; NULL: all */
} rs_rec_opts;

/* Format one query's list into f (a per-block memory stream).  Called from
 * worker threads, concurrently, so ctx must be read-only.  q is the query's
 * position (0-based) in the request; items are best first. */
typedef int (*rs_rec_emit)(void *ctx, FILE *f, size_t q, const uint32_t *items,
                           const float *scores, size_t n, rs_err *e);

/* Block size that keeps a block's score rows around 16 MB. */
size_t rs_rec_default_block(uint32_t nitems);

/* One list, as every list above is made (for a caller that scores one
 * query itself, e.g. a server): row[0..nitems) gets -inf at the items
 * mask[0..nmask) (row is modified), NaN scores are never listed, ties go
 * to the smaller index.  t (capacity = list length, at most nitems) is
 * cleared first; returns the count, best first in t->idx and t->score. */
size_t rs_rec_top_row(rs_topk *t, float *row, uint32_t nitems, const uint32_t *mask,
                      size_t nmask);

/* Lists for model users: users[0..nu), or every user in model order when
 * users is NULL (nu is then ignored). */
int rs_recommend_users(rs_scorer *s, const uint32_t *users, size_t nu, const rs_rec_opts *o,
                       rs_rec_emit emit, void *ctx, FILE *out, rs_err *e);

/* Lists for users outside the model, scored from their histories (fold-in):
 * query q is row q of h, whose columns are the model's item indices. */
int rs_recommend_history(rs_scorer *s, const rs_csr *h, const rs_rec_opts *o,
                         rs_rec_emit emit, void *ctx, FILE *out, rs_err *e);

/* The items most similar to items[0..nq) (never the item itself). */
int rs_recommend_similar(rs_scorer *s, const uint32_t *items, size_t nq, const rs_rec_opts *o,
                         rs_rec_emit emit, void *ctx, FILE *out, rs_err *e);

/* Histories as a matrix over the model's items: rows are h's users in
 * first-seen order; items the model does not know are dropped and counted
 * in *unknown (interactions, not distinct items). */
void rs_history_matrix(const rs_ratings *h, const rs_idmap *model_items, rs_csr *out,
                       uint64_t *unknown);

/* Predicted ratings for the pairs in p (canonical TSV, rating column
 * ignored), written as user<TAB>item<TAB>score in input order.  Pairs whose
 * user or item the model lacks still get the model's answer without it;
 * they are counted in *unknown_users / *unknown_items. */
int rs_recommend_predict(rs_scorer *s, const rs_idmap *model_users, const rs_idmap *model_items,
                         const rs_ratings *p, FILE *out, uint64_t *unknown_users,
                         uint64_t *unknown_items, rs_err *e);
/* The same with the item's title as a fourth column (empty when the item
 * has none or the model does not know it); title by model item index. */
int rs_recommend_predict_titled(rs_scorer *s, const rs_idmap *model_users,
                                const rs_idmap *model_items, const char *const *title,
                                const rs_ratings *p, FILE *out, uint64_t *unknown_users,
                                uint64_t *unknown_items, rs_err *e);

#endif
