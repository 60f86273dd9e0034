/* potri-time: the floor for rs-knn -a ease: LAPACK's Cholesky factor and
 * inverse (dpotrf + dpotri) of an n x n symmetric positive definite matrix
 * in double, in LAPACK's own column order (no copies), the step EASE cannot
 * avoid, with nothing else.  The matrix is a random Gram matrix plus a
 * ridge, like X'X + L I.  Prints the wall and process CPU seconds of the
 * factor-and-invert alone, best of R runs. */
#include <getopt.h>
#include <lapacke.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "cli/cli.h"
#include "common/err.h"
#include "common/progress.h"
#include "common/rng.h"

static const char usage[] =
"Usage: potri-time [-n ITEMS] [-j THREADS] [-r REPEAT]\n"
"Time LAPACK's dpotrf + dpotri on an ITEMS x ITEMS positive definite matrix\n"
"(defaults: 26744, the ML-20M catalogue; all cores; best of 1 run).\n";

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    size_t n = 26744;
    int threads = 0, repeat = 1, c;
    while ((c = getopt(argc, argv, "n:j:r:h")) != -1) {
        switch (c) {
        case 'n': n = (size_t)rs_opt_int("-n", optarg, 1, 100000); break;
        case 'j': threads = rs_opt_jobs(optarg); break;
        case 'r': repeat = (int)rs_opt_int("-r", optarg, 1, 100); break;
        case 'h': rs_help(usage);
        default: rs_usage_error("see the usage");
        }
    }
    rs_blas_threads(threads ? threads : rs_threads_default());
    double *a = rs_xmalloc(n * n * sizeof *a), *g = rs_xmalloc(n * n * sizeof *g);
    rs_rng r;
    rs_rng_seed(&r, 1);
    /* Symmetric, diagonally dominant: positive definite, as X'X + L I is. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++) {
            double v = i == j ? (double)n : rs_rng_double(&r) - 0.5;
            a[i * n + j] = a[j * n + i] = v;
        }
    double best = 1e300, best_cpu = 0;
    for (int k = 0; k < repeat; k++) {
        for (size_t q = 0; q < n * n; q++) g[q] = a[q];
        double t0 = rs_now(), c0 = cpu_now();
        lapack_int info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', (lapack_int)n, g, (lapack_int)n);
        if (info == 0) info = LAPACKE_dpotri(LAPACK_COL_MAJOR, 'L', (lapack_int)n, g, (lapack_int)n);
        double t = rs_now() - t0, cpu = cpu_now() - c0;
        if (info != 0) rs_die(1, "LAPACK info %d", (int)info);
        if (t < best) { best = t; best_cpu = cpu; }
    }
    printf("potri n=%zu: %.3f s wall, %.3f s cpu\n", n, best, best_cpu);
    free(a);
    free(g);
    return 0;
}
