/* diverge.h: the check every trainer makes once per epoch (or iteration)
 * and before its model is written: are the parameters still numbers?  A
 * step size too large for the data (or a penalty too small) makes SGD
 * overflow to inf and then NaN; without this check the program would exit
 * 0 and write a model that ranks items arbitrarily. */
#ifndef RS_DIVERGE_H
#define RS_DIVERGE_H
#include <stddef.h>
#include "common/err.h"

/* 0 when x[0..n) is finite; else -1 with e = "WHAT diverged at STEP
 * (NAME is NaN/inf at row R of ROWLEN values): HINT" (RS_EDATA).  step is
 * e.g. "epoch 3" or "the end"; hint names the likely cause and a remedy. */
int rs_diverged_f32(const char *what, const char *step, const char *name, const float *x,
                    size_t n, size_t rowlen, const char *hint, rs_err *e);
int rs_diverged_f64(const char *what, const char *step, const char *name, const double *x,
                    size_t n, size_t rowlen, const char *hint, rs_err *e);

#endif
