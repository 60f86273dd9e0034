/* topk.h: keep the N best (score, index) pairs of a stream without sorting
 * the stream.  Ties break towards the smaller index, so results do not
 * depend on thread count or scan order. */
#ifndef RS_TOPK_H
#define RS_TOPK_H
#include <stdint.h>
#include <stddef.h>

typedef struct rs_topk {
    size_t cap, n;
    float *score;
    uint32_t *idx;          /* a min-heap on (score, -idx) while filling */
} rs_topk;

void rs_topk_init(rs_topk *t, size_t cap);
void rs_topk_free(rs_topk *t);
void rs_topk_clear(rs_topk *t);
/* The score a candidate must beat to enter (-inf until full). */
static inline float rs_topk_threshold(const rs_topk *t)
{ return t->n < t->cap ? -__builtin_inff() : t->score[0]; }
void rs_topk_push(rs_topk *t, float score, uint32_t idx);
/* Sort the kept pairs best first (destroys the heap); returns n. */
size_t rs_topk_sorted(rs_topk *t);

#endif
