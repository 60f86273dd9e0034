/* ease.h: EASE, the closed-form item-item model (Steck 2019, "Embarrassingly
 * Shallow Autoencoders for Sparse Data").
 *
 * With X the users x items matrix (values as stored, or 1 with binary;
 * repeated (user, item) entries summed) and L the regularization:
 *
 *   P = (X'X + L I)^-1,   B = I - P diag(1 / diag(P)),   so B[j][j] = 0
 *   and B[i][j] = -P[i][j] / P[j][j] otherwise;
 *   score(u, j) = sum over u's items i of x[u][i] B[i][j].
 *
 * X'X is accumulated from the sparse rows in double precision, factored and
 * inverted with LAPACK's Cholesky routines (dpotrf, dpotri) in double, and
 * B is kept in single precision: the inverse is where single precision
 * loses digits, the weights themselves do not need them.
 *
 * Memory is dense: items^2 doubles for the Gram matrix (factored and
 * inverted in place) and items^2 floats for B, 12 bytes x items^2 at the
 * peak (26,744 items: 8.6 GB). */
#ifndef RS_EASE_H
#define RS_EASE_H
#include <stddef.h>
#include <stdint.h>
#include "common/err.h"
#include "common/progress.h"
#include "format/bundle.h"
#include "format/csr.h"

typedef struct rs_ease_opts {
    double reg;             /* L > 0 */
    int binary;             /* every stored value counts as 1 */
    int threads;            /* >= 1: Gram accumulation and LAPACK */
    uint64_t mem_limit;     /* bytes the fit may use; 0 = the machine's memory */
    rs_progress *progress;  /* or NULL */
} rs_ease_opts;

/* Bytes the fit needs at its peak for a catalogue of n items. */
uint64_t rs_ease_bytes(uint32_t n);
/* The largest catalogue whose fit needs at most mem bytes. */
uint32_t rs_ease_max_items(uint64_t mem);

/* Fit on m (users x items) and put the model into b: the block
 * ease_weights (F32, items x items: row i holds B[i][.]) and the meta
 * model=ease, reg, binary.  Refuses (RS_EUSAGE) a catalogue whose fit does
 * not fit in memory, naming the largest that would. */
int rs_ease_fit(const rs_csr *m, const rs_ease_opts *o, rs_bundle *b, rs_err *e);

#endif
