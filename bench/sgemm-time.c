/* sgemm-time: the floor for rs-recommend on a factor model: the bare
 * SGEMMs of the same shapes, [block x k] times [k x items] for every block
 * of users, with nothing else (no masking, no top-N, no output).
 *
 * Both ways of using two or more cores are timed, as rs-recommend could use
 * either: "own" runs T threads of single-threaded SGEMMs on separate
 * blocks, "blas" runs the blocks one after another with OpenBLAS using T
 * threads.  Prints one line per way: wall seconds, CPU seconds of the
 * process (what to compare on a busy machine) and GFLOP/s of wall time. */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cblas.h>
#include "cli/cli.h"
#include "common/err.h"
#include "common/progress.h"
#include "common/rng.h"

static const char usage[] =
"Usage: sgemm-time [-u USERS] [-i ITEMS] [-k K] [-b BLOCK] [-j THREADS] [-r REPEAT]\n"
"Time the SGEMMs rs-recommend does for all users of a factor model\n"
"(defaults: the ML-20M shape, 138493 users, 26744 items, k 64, the block\n"
"rs-recommend chooses, all cores, best of 3 runs).\n";

typedef struct shape {
    size_t users, items, k, block;
    const float *P, *Q;
    /* Shared block counter for the "own" threads. */
    pthread_mutex_t mu;
    size_t next;
} shape;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void gemm_block(const shape *s, size_t b, float *C)
{
    size_t u0 = b * s->block, nu = s->users - u0 < s->block ? s->users - u0 : s->block;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nu, (int)s->items, (int)s->k, 1.0f,
                s->P + u0 * s->k, (int)s->k, s->Q, (int)s->k, 0.0f, C, (int)s->items);
}

static void *own_worker(void *arg)
{
    shape *s = arg;
    size_t nblocks = (s->users + s->block - 1) / s->block;
    float *C = rs_xmalloc(s->block * s->items * sizeof *C);
    for (;;) {
        pthread_mutex_lock(&s->mu);
        size_t b = s->next++;
        pthread_mutex_unlock(&s->mu);
        if (b >= nblocks) break;
        gemm_block(s, b, C);
    }
    free(C);
    return NULL;
}

static double time_own(shape *s, int threads, double *cpu)
{
    rs_blas_threads(1);
    pthread_t *t = rs_xmalloc((size_t)threads * sizeof *t);
    s->next = 0;
    double t0 = rs_now(), c0 = cpu_now();
    for (int k = 0; k < threads; k++) pthread_create(&t[k], NULL, own_worker, s);
    for (int k = 0; k < threads; k++) pthread_join(t[k], NULL);
    double dt = rs_now() - t0;
    *cpu = cpu_now() - c0;
    free(t);
    return dt;
}

static double time_blas(shape *s, int threads, double *cpu)
{
    rs_blas_threads(threads);
    size_t nblocks = (s->users + s->block - 1) / s->block;
    float *C = rs_xmalloc(s->block * s->items * sizeof *C);
    double t0 = rs_now(), c0 = cpu_now();
    for (size_t b = 0; b < nblocks; b++) gemm_block(s, b, C);
    double dt = rs_now() - t0;
    *cpu = cpu_now() - c0;
    free(C);
    return dt;
}

int main(int argc, char **argv)
{
    shape s = { .users = 138493, .items = 26744, .k = 64 };
    int threads = rs_threads_default(), repeat = 3, c;
    while ((c = getopt(argc, argv, "u:i:k:b:j:r:h")) != -1) {
        switch (c) {
        case 'u': s.users = (size_t)rs_opt_int("-u", optarg, 1, 1 << 30); break;
        case 'i': s.items = (size_t)rs_opt_int("-i", optarg, 1, 1 << 30); break;
        case 'k': s.k = (size_t)rs_opt_int("-k", optarg, 1, 4096); break;
        case 'b': s.block = (size_t)rs_opt_int("-b", optarg, 1, 1 << 20); break;
        case 'j': threads = (int)rs_opt_int("-j", optarg, 1, 1024); break;
        case 'r': repeat = (int)rs_opt_int("-r", optarg, 1, 100); break;
        case 'h': rs_help(usage);
        default: rs_usage_error("unknown option");
        }
    }
    if (!s.block) {
        /* The same rule as rs_rec_default_block (recommend.c). */
        s.block = (4u << 20) / s.items;
        if (s.block < 1) s.block = 1;
        if (s.block > 1024) s.block = 1024;
    }
    float *P = rs_xmalloc(s.users * s.k * sizeof *P), *Q = rs_xmalloc(s.items * s.k * sizeof *Q);
    rs_rng r;
    rs_rng_seed(&r, 1);
    for (size_t x = 0; x < s.users * s.k; x++) P[x] = (float)rs_rng_double(&r) - 0.5f;
    for (size_t x = 0; x < s.items * s.k; x++) Q[x] = (float)rs_rng_double(&r) - 0.5f;
    s.P = P;
    s.Q = Q;
    pthread_mutex_init(&s.mu, NULL);
    double flop = 2.0 * (double)s.users * (double)s.items * (double)s.k;
    double own = 1e30, blas = 1e30, own_cpu = 1e30, blas_cpu = 1e30;
    for (int k = 0; k < repeat; k++) {
        double ca, cb, a = time_own(&s, threads, &ca), b = time_blas(&s, threads, &cb);
        if (a < own) own = a;
        if (b < blas) blas = b;
        if (ca < own_cpu) own_cpu = ca;
        if (cb < blas_cpu) blas_cpu = cb;
    }
    printf("sgemm own   users=%zu items=%zu k=%zu block=%zu threads=%d seconds=%.3f cpu=%.3f "
           "gflops=%.1f\n", s.users, s.items, s.k, s.block, threads, own, own_cpu, flop / own * 1e-9);
    printf("sgemm blas  users=%zu items=%zu k=%zu block=%zu threads=%d seconds=%.3f cpu=%.3f "
           "gflops=%.1f\n", s.users, s.items, s.k, s.block, threads, blas, blas_cpu, flop / blas * 1e-9);
    free(P);
    free(Q);
    return 0;
}
