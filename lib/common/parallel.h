/* parallel.h: how many threads, and keeping OpenBLAS's inside that budget. */
#ifndef RS_PARALLEL_H
#define RS_PARALLEL_H

/* All online cores: what -j means when it is absent or 0. */
int rs_threads_default(void);

/* Fix the thread budget: our own threads and OpenBLAS's never add up to
 * more than the cores.  Call with blas_threads = 1 around code that runs
 * its own threads over BLAS calls, = n for code that calls BLAS alone. */
void rs_blas_threads(int n);

#endif
