/* factor_top.h: one user's top N of a factor model without scoring every
 * item, and with every score it lists bit-identical to the full row's.
 *
 * The full row (score_factors.c users(), which rs-recommend uses) is one
 * SGEMV over all items, dot(Q[i], p), plus ib[i] + bu.  By Cauchy-Schwarz
 * no item scores above |Q[i]| |p| + ib[i] + bu (widened by the rounding
 * error bound of a k-term float dot product), and an SVD's item norms are
 * very uneven (the singular values are in Q; on a 20,000 x 26,658 k=64
 * model a median user's top 10 can only come from ~400 items).  So the
 * items are kept in order of decreasing norm, in a copy of Q in that order,
 * and scored a chunk at a time, best bound first, until no remaining item
 * can beat the N-th score found: the same list, scores and order as
 * rs_rec_top_row over the full row (ties: smaller index first).
 *
 * Same bits: each chunk is the same OpenBLAS SGEMV over rows of the copy.
 * OpenBLAS's SGEMV kernel computes each row's dot alone, the same way for
 * any group of 4 rows, but the last items % 4 rows of a call go through
 * another kernel whose sums round differently (seen on 0.3.21: 74 of 100
 * such rows differ); so the copy holds the items up to the last multiple
 * of 4 and chunks are multiples of 4, and the few last items are scored
 * by a call of their own, as the full row scores them.  This is checked,
 * not assumed: rs_factor_top_open scores test vectors both ways and
 * returns NULL (the caller then scores full rows) if one bit differs. */
#ifndef RS_FACTOR_TOP_H
#define RS_FACTOR_TOP_H
#include <stddef.h>
#include <stdint.h>
#include "common/topk.h"

typedef struct rs_factor_top rs_factor_top;

/* For Q [items x k] (row-major) and ib [items] (bi + g, as users() adds
 * it); both must outlive the result.  NULL when the ordered scoring does
 * not give the full row's bits on this machine's BLAS. */
rs_factor_top *rs_factor_top_open(const float *Q, const float *ib, uint32_t items, uint32_t k);
void rs_factor_top_close(rs_factor_top *f);

/* The best t->cap items for user vector p [k] and bias bu, without the
 * items mask[0..nmask): t holds them sorted best first, as
 * rs_rec_top_row leaves them; returns their count.  scratch: 4096 floats.
 * Safe on several threads at once. */
size_t rs_factor_top_user(const rs_factor_top *f, const float *p, float bu,
                          const uint32_t *mask, size_t nmask, rs_topk *t, float *scratch);

enum { RS_FACTOR_TOP_SCRATCH = 4096 };

#endif
