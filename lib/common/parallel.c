#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include "common/parallel.h"

/* Weak: a program that links OpenBLAS for its own calls gets these bound,
 * one that does not (rs-filter, rs-knn) is not made to load it by this
 * file (the linker's --as-needed ignores weak references) and sees NULL. */
extern int openblas_get_num_threads(void) __attribute__((weak));
extern void openblas_set_num_threads(int n) __attribute__((weak));

int rs_threads_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 1024 ? 1024 : (int)n;
}

/* BLAS on one thread for a region of our own threads; returns the count to
 * give back, or 0 when there is nothing to restore.  Inside a region the
 * count is 1 already, so a nested region (a worker that runs one) never
 * calls the setter from two threads at once. */
static int blas_single(void)
{
    if (!openblas_get_num_threads || !openblas_set_num_threads) return 0;
    int n = openblas_get_num_threads();
    if (n <= 1) return 0;
    openblas_set_num_threads(1);
    return n;
}

static void blas_restore(int n)
{
    if (n > 1) openblas_set_num_threads(n);
}

typedef struct share {
    rs_parallel_fn fn;
    void *ctx;
    int t, rc;
    size_t lo, hi;
    rs_err err;
} share;

static void *run_share(void *arg)
{
    share *s = arg;
    s->rc = s->fn(s->ctx, s->t, s->lo, s->hi, &s->err);
    return NULL;
}

/* n t / T without overflowing n t. */
static size_t cut(size_t n, size_t t, size_t T)
{
    return n / T * t + n % T * t / T;
}

int rs_parallel_for(int threads, size_t n, rs_parallel_fn fn, void *ctx, rs_err *e)
{
    if (n == 0) return 0;
    size_t T = threads < 1 ? 1 : (size_t)threads;
    if (T > n) T = n;
    if (T == 1) return fn(ctx, 0, 0, n, e);
    share *s = rs_xcalloc(T, sizeof *s);
    pthread_t *th = rs_xmalloc(T * sizeof *th);
    char *started = rs_xcalloc(T, 1);
    int blas = blas_single();
    for (size_t t = 0; t < T; t++)
        s[t] = (share){ .fn = fn, .ctx = ctx, .t = (int)t, .lo = cut(n, t, T), .hi = cut(n, t + 1, T) };
    for (size_t t = 1; t < T; t++) started[t] = pthread_create(&th[t], NULL, run_share, &s[t]) == 0;
    run_share(&s[0]);
    for (size_t t = 1; t < T; t++) {
        if (started[t]) pthread_join(th[t], NULL);
        else run_share(&s[t]);      /* no thread to be had: its share runs here */
    }
    blas_restore(blas);
    int rc = 0;
    for (size_t t = 0; t < T && rc == 0; t++)
        if (s[t].rc < 0) {
            *e = s[t].err;
            rc = -1;
        }
    free(started);
    free(th);
    free(s);
    return rc;
}
