/* finite.h: whether numbers in memory or in a bundle's blocks are all
 * finite.  A model whose factors hold a NaN or an infinity would give
 * silently wrong lists (NaN loses every comparison), so trainers check
 * what they made before they write it and scorers check what they read
 * before they use it, both with these. */
#ifndef RS_FINITE_H
#define RS_FINITE_H
#include <stddef.h>
#include "common/err.h"
#include "format/bundle.h"

/* Index of the first NaN or infinity in x[0..n), or n when there is none. */
size_t rs_first_nonfinite_f32(const float *x, size_t n);
size_t rs_first_nonfinite_f64(const double *x, size_t n);

/* 0 when block name of b is absent, not F32/F64, or finite throughout;
 * else -1 with "model block NAME holds NaN/inf at row R" (RS_EDATA). */
int rs_block_check_finite(const rs_bundle *b, const char *name, rs_err *e);

#endif
