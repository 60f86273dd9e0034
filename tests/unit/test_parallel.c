/* test_parallel: rs_parallel_for shares out every index once, reports the
 * lowest worker's error, runs shares inline when no thread can be had, and
 * keeps OpenBLAS on one thread inside a region. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <cblas.h>
#include "tap.h"
#include "common/parallel.h"

/* pthread_create, failing on demand: this definition comes before the C
 * library's (or the sanitizer's), which it calls otherwise. */
static atomic_int refuse_threads;

int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    if (atomic_load(&refuse_threads)) return EAGAIN;
    int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    *(void **)&real = dlsym(RTLD_NEXT, "pthread_create");
    return real(th, attr, fn, arg);
}

#define MAXN 1000
#define MAXT 16

typedef struct probe {
    atomic_int visits[MAXN];
    atomic_int calls;
    size_t lo[MAXT], hi[MAXT];
    int seen[MAXT];
    pthread_t who[MAXT];
    int blas[MAXT];                 /* OpenBLAS's thread count inside */
    int fail_mask;                  /* workers that fail */
} probe;

static int visit(void *ctx, int t, size_t lo, size_t hi, rs_err *e)
{
    probe *p = ctx;
    atomic_fetch_add(&p->calls, 1);
    if (t >= 0 && t < MAXT) {
        p->lo[t] = lo;
        p->hi[t] = hi;
        p->seen[t]++;
        p->who[t] = pthread_self();
        p->blas[t] = openblas_get_num_threads();
    }
    for (size_t i = lo; i < hi && i < MAXN; i++) atomic_fetch_add(&p->visits[i], 1);
    if (t < MAXT && (p->fail_mask >> t & 1)) return rs_errf(e, RS_EDATA, "worker %d failed", t);
    return 0;
}

static probe *fresh(void)
{
    probe *p = calloc(1, sizeof *p);
    return p;
}

/* Every index once, shares contiguous and in worker order. */
static int all_once(const probe *p, size_t n, int workers)
{
    for (size_t i = 0; i < n; i++)
        if (atomic_load(&p->visits[i]) != 1) return 0;
    if (atomic_load(&p->calls) != workers) return 0;
    size_t at = 0;
    for (int t = 0; t < workers; t++) {
        if (p->seen[t] != 1 || p->lo[t] != at || p->hi[t] < p->lo[t]) return 0;
        at = p->hi[t];
    }
    return at == n;
}

int main(void)
{
    tap t = { 0 };
    openblas_set_num_threads(2);

    for (int th = 1; th <= 5; th++) {
        probe *p = fresh();
        rs_err e = { 0 };
        int rc = rs_parallel_for(th, 997, visit, p, &e);
        OK(&t, rc == 0 && all_once(p, 997, th), "%d workers: every index once, in order", th);
        if (th > 1) {
            int distinct = 1;
            for (int a = 0; a < th; a++)
                for (int b = a + 1; b < th; b++) distinct &= !pthread_equal(p->who[a], p->who[b]);
            OK(&t, distinct && pthread_equal(p->who[0], pthread_self()),
               "%d workers on %d threads, worker 0 on the caller's", th, th);
            int one = 1;
            for (int a = 0; a < th; a++) one &= p->blas[a] == 1;
            OK(&t, one && openblas_get_num_threads() == 2,
               "%d workers: BLAS on one thread inside, 2 again after", th);
        } else {
            OK(&t, p->blas[0] == 2, "1 worker: BLAS left alone");
        }
        free(p);
    }

    /* n smaller than threads: one worker per index; n = 0: none. */
    {
        probe *p = fresh();
        rs_err e = { 0 };
        int rc = rs_parallel_for(8, 3, visit, p, &e);
        OK(&t, rc == 0 && all_once(p, 3, 3), "n = 3 on 8 threads: 3 workers of one index");
        free(p);
        p = fresh();
        rc = rs_parallel_for(8, 0, visit, p, &e);
        OK(&t, rc == 0 && atomic_load(&p->calls) == 0, "n = 0: nothing runs");
        free(p);
        p = fresh();
        rc = rs_parallel_for(0, 5, visit, p, &e);
        OK(&t, rc == 0 && all_once(p, 5, 1), "threads < 1: one worker");
        free(p);
    }

    /* The first error by worker order, whichever finished first; the others
     * still ran. */
    for (int rep = 0; rep < 20; rep++) {
        probe *p = fresh();
        p->fail_mask = (1 << 3) | (1 << 1);
        rs_err e = { 0 };
        int rc = rs_parallel_for(4, 400, visit, p, &e);
        if (rc != -1 || strcmp(e.msg, "worker 1 failed") || e.code != RS_EDATA || !all_once(p, 400, 4)) {
            OK(&t, 0, "errors of workers 1 and 3: got rc %d '%s'", rc, e.msg);
            free(p);
            break;
        }
        free(p);
        if (rep == 19) OK(&t, 1, "errors of workers 1 and 3: worker 1's reported, all ran (20 runs)");
    }
    {
        probe *p = fresh();
        p->fail_mask = 1;
        rs_err e = { 0 };
        int rc = rs_parallel_for(1, 10, visit, p, &e);
        OK(&t, rc == -1 && !strcmp(e.msg, "worker 0 failed"), "one worker: its error");
        free(p);
    }

    /* No thread to be had: every share runs on the caller, in order. */
    {
        atomic_store(&refuse_threads, 1);
        probe *p = fresh();
        p->fail_mask = 1 << 2;
        rs_err e = { 0 };
        int rc = rs_parallel_for(4, 100, visit, p, &e);
        atomic_store(&refuse_threads, 0);
        int here = 1;
        for (int a = 0; a < 4; a++) here &= pthread_equal(p->who[a], pthread_self());
        OK(&t, all_once(p, 100, 4) && here, "threads refused: all 4 shares ran on the caller");
        OK(&t, rc == -1 && !strcmp(e.msg, "worker 2 failed"), "threads refused: the error still reported");
        OK(&t, openblas_get_num_threads() == 2, "threads refused: BLAS count given back");
        free(p);
    }
    return tap_done(&t);
}
