/* parallel.h: how many threads, the one way to run work on them, and
 * keeping OpenBLAS's threads inside that budget. */
#ifndef RS_PARALLEL_H
#define RS_PARALLEL_H
#include <stddef.h>
#include "common/err.h"

/* All online cores: what -j means when it is absent or 0. */
int rs_threads_default(void);

/* Fix the thread budget: our own threads and OpenBLAS's never add up to
 * more than the cores.  Programs call it once, with n = -j, when BLAS runs
 * alone between parallel regions, or 1 when the result must not depend on
 * BLAS's thread count; rs_parallel_for keeps BLAS on one thread inside a
 * region.  (In common/blas.c: only programs that call it link OpenBLAS.) */
void rs_blas_threads(int n);

/* Worker t's share of a parallel loop: [lo, hi) of the range.  Returns 0,
 * or -1 with e filled. */
typedef int (*rs_parallel_fn)(void *ctx, int t, size_t lo, size_t hi, rs_err *e);

/* Run fn over [0, n) in T = min(threads, n) contiguous shares, worker t
 * taking [n t / T, n (t + 1) / T): worker 0 on the calling thread, the
 * others on threads of their own, all joined before it returns.  Work that
 * is not a range passes n = threads and uses t (its own state, or a share
 * of a shared counter).  A worker whose thread cannot be created runs on
 * the calling thread after worker 0, so every share always runs once.
 * While T > 1, OpenBLAS (when the program has it) runs on one thread, and
 * gets its count back afterwards.  Returns 0, or -1 with e set to the
 * error of the lowest-numbered worker that failed (all others still ran to
 * their end). */
int rs_parallel_for(int threads, size_t n, rs_parallel_fn fn, void *ctx, rs_err *e);

#endif
