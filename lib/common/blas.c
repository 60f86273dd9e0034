/* rs_blas_threads (declared in common/parallel.h) lives alone so that only programs
 * that really use BLAS link OpenBLAS (with --as-needed): loading it starts
 * its thread pool, a cost every small filter in a pipe would pay. */
#include <cblas.h>
#include "common/parallel.h"

void rs_blas_threads(int n)
{
    openblas_set_num_threads(n < 1 ? 1 : n);
}
