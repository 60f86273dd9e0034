#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>
#include <sys/mman.h>
#include "common/num.h"
#include "common/rng.h"
#include "model/svd.h"

/* Dense blocks that the sparse passes read or write have rows padded to a
 * multiple of LANE (with zeros), so the inner loops have a fixed trip count
 * the compiler turns into vector code. */
#define LANE 8
/* The scatter half of a pass works on chunks of y's rows of about this
 * size, which stay in cache while all of S's rows go by (measured: smaller
 * chunks cost more in rereading z than they save). */
#define CHUNK_BYTES ((size_t)4 << 20)
/* The passes are memory-bound loops over the nonzeros: build them for the
 * vector units the machine has, not only for the baseline the rest of the
 * program targets. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define HOT __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define HOT
#endif

static size_t pad(size_t w) { return (w + LANE - 1) / LANE * LANE; }

/* Memory (uninitialised) for the arrays a pass touches at random, on huge
 * pages where the system allows, which spares most of their TLB misses. */
static void *big(size_t n)
{
    void *p = NULL;
    size_t huge = (size_t)2 << 20;
    if (n < huge || posix_memalign(&p, huge, n) != 0) return rs_xmalloc(n ? n : 1);
#ifdef MADV_HUGEPAGE
    madvise(p, n, MADV_HUGEPAGE);
#endif
    return p;
}

/* The centred matrix seen from its larger side: C = S - beta alpha', with S
 * the CSR whose rows are the larger side (nb rows, ns columns).  The SVD is
 * computed for M = C' (ns x nb), whose row space is the small side.
 *
 * A pass y = M M' x runs in two phases.  Gather: z = C x, row-parallel over
 * S's rows, into z (nb rows).  Scatter: y = C' z, parallel over chunks of
 * y's rows, each owned by one thread, from S's entries grouped by chunk (a
 * copy, unless S's rows are sorted, which groups them already).  Every sum
 * runs in the same order whatever the number of threads, so results do
 * not depend on it, and no thread needs a private copy of y.
 *
 * Precision: the block a pass reads (x) is float, which halves the memory
 * its random accesses touch; sums are double.  The basis K (orthonormal, in
 * double, for the projections) has a copy Kr rounded to float values, so a
 * pass multiplies exactly Kr, and the Rayleigh-Ritz step is done on Kr:
 * Kr'MM'Kr y = s^2 Kr'Kr y with Kr'Kr computed.  The rounding then costs
 * no accuracy in the singular values. */
typedef struct op {
    const rs_csr *s;
    const double *beta;     /* nb, or NULL when not centred */
    const double *alpha;    /* ns */
    uint32_t nb, ns;
    int threads;
    uint32_t *cut;          /* threads + 1 row bounds of S, balanced by work */
    int chunks;
    uint32_t *bound;        /* chunks + 1 bounds of y's rows (S's columns) */
    uint64_t *gptr;         /* row u, chunk c: gptr[u (chunks+1) + c] .. + 1 */
    const uint32_t *gidx;   /* S's entries, grouped by chunk within each row */
    const float *gval;
    int gown;               /* gidx, gval are a copy (else S's own arrays) */
    double *z;              /* nb x wp: C x of the current pass */
    uint64_t seed;
} op;

enum { PASS_RANGE, PASS_GRAM, PASS_GATHER };
enum { PHASE_GATHER, PHASE_SCATTER };

typedef struct job {
    const op *o;
    int kind, phase, t, n;  /* what, which worker, of how many */
    size_t wp;              /* padded width of x, y */
    size_t l;               /* PASS_RANGE: columns of the test matrix */
    const float *x;         /* ns x wp input (not for PASS_RANGE) */
    double *y;              /* PASS_RANGE/GRAM: ns x wp; PASS_GATHER: nb x wp */
    const double *w;        /* alpha' x (wp), when centred */
    const double *scale;    /* PASS_GATHER: per-column factor */
} job;

/* z = row u of S times x, minus beta[u] w. */
static inline void row_times(const op *o, uint32_t u, const float *restrict x, size_t wp,
                             const double *restrict w, double *restrict z)
{
    const rs_csr *s = o->s;
    memset(z, 0, wp * sizeof *z);
    for (uint64_t p = s->indptr[u]; p < s->indptr[u + 1]; p++) {
        double v = s->values[p];
        const float *restrict xr = x + (size_t)s->indices[p] * wp;
        for (size_t c = 0; c < wp; c += LANE)
            for (int l = 0; l < LANE; l++) z[c + l] += v * xr[c + l];
    }
    if (o->beta && w) {
        double b = o->beta[u];
        for (size_t c = 0; c < wp; c += LANE)
            for (int l = 0; l < LANE; l++) z[c + l] -= b * w[c + l];
    }
}

/* Row u of the Gaussian test matrix, from its own stream: never stored,
 * and the same for any number of threads.  Box-Muller, both values used. */
static void gaussian_row(uint64_t seed, uint32_t u, double *z, size_t l, size_t wp)
{
    rs_rng r;
    rs_rng_seed2(&r, seed, u);
    for (size_t c = 0; c < l; c += 2) {
        double u1 = 1.0 - rs_rng_double(&r), u2 = 6.283185307179586 * rs_rng_double(&r);
        double rad = sqrt(-2.0 * log(u1));
        z[c] = rad * cos(u2);
        if (c + 1 < l) z[c + 1] = rad * sin(u2);
    }
    for (size_t c = l; c < wp; c++) z[c] = 0.0;
}

/* y's rows of chunk c = (S' z) restricted to them, rows of S in order. */
static inline void scatter_chunk(const op *o, int c, const double *restrict z, size_t wp,
                                 double *restrict y)
{
    size_t stride = (size_t)o->chunks + 1;
    memset(y + (size_t)o->bound[c] * wp, 0,
           (size_t)(o->bound[c + 1] - o->bound[c]) * wp * sizeof *y);
    for (uint32_t u = 0; u < o->nb; u++) {
        const uint64_t *gp = o->gptr + (size_t)u * stride + c;
        const double *restrict zr = z + (size_t)u * wp;
        for (uint64_t p = gp[0]; p < gp[1]; p++) {
            double v = o->gval[p];
            double *restrict yr = y + (size_t)o->gidx[p] * wp;
            for (size_t k = 0; k < wp; k += LANE)
                for (int l = 0; l < LANE; l++) yr[k + l] += v * zr[k + l];
        }
    }
}

HOT static void *work(void *arg)
{
    const job *j = arg;
    const op *o = j->o;
    size_t wp = j->wp;
    if (j->phase == PHASE_SCATTER) {
        for (int c = j->t; c < o->chunks; c += j->n) scatter_chunk(o, c, o->z, wp, j->y);
        return NULL;
    }
    for (uint32_t u = o->cut[j->t]; u < o->cut[j->t + 1]; u++) {
        double *z = (j->kind == PASS_GATHER ? j->y : o->z) + (size_t)u * wp;
        if (j->kind == PASS_RANGE) {
            gaussian_row(o->seed, u, z, j->l, wp);
        } else {
            row_times(o, u, j->x, wp, j->w, z);
            if (j->kind == PASS_GATHER)
                for (size_t c = 0; c < wp; c++) z[c] *= j->scale[c];
        }
    }
    return NULL;
}

/* Run n copies of tmpl (t = 0..n-1) on threads; the caller's thread does
 * t = 0.  Where a thread cannot start its share runs here: same result. */
static void run(const job *tmpl, int n)
{
    job *jobs = rs_xmalloc((size_t)n * sizeof *jobs);
    pthread_t *th = rs_xmalloc((size_t)n * sizeof *th);
    char *started = rs_xcalloc((size_t)n, 1);
    for (int t = 0; t < n; t++) {
        jobs[t] = *tmpl;
        jobs[t].t = t;
        jobs[t].n = n;
    }
    for (int t = 1; t < n; t++) started[t] = pthread_create(&th[t], NULL, work, &jobs[t]) == 0;
    work(&jobs[0]);
    for (int t = 1; t < n; t++) {
        if (started[t]) pthread_join(th[t], NULL);
        else work(&jobs[t]);
    }
    free(started);
    free(th);
    free(jobs);
}

/* w = alpha' x (wp), or NULL when not centred. */
static double *alpha_times(const op *o, const float *x, size_t wp)
{
    if (!o->beta) return NULL;
    double *w = rs_xcalloc(wp, sizeof *w);
    for (size_t r = 0; r < o->ns; r++)
        for (size_t c = 0; c < wp; c++) w[c] += o->alpha[r] * x[r * wp + c];
    return w;
}

/* y = M M' x (PASS_GRAM) or M W (PASS_RANGE, W of l columns). */
static void pass_scatter(const op *o, int kind, const float *x, double *y, size_t wp, size_t l)
{
    double *w = kind == PASS_GRAM ? alpha_times(o, x, wp) : NULL;
    job j = { .o = o, .kind = kind, .phase = PHASE_GATHER, .wp = wp, .l = l, .x = x, .y = y,
              .w = w };
    run(&j, o->threads);
    j.phase = PHASE_SCATTER;
    run(&j, o->threads < o->chunks ? o->threads : o->chunks);
    if (o->beta) {
        /* M z = S' z - alpha (beta' z): the rank-1 half of the correction. */
        double *tt = rs_xcalloc(wp, sizeof *tt);
        for (uint32_t u = 0; u < o->nb; u++)
            for (size_t c = 0; c < wp; c++) tt[c] += o->beta[u] * o->z[(size_t)u * wp + c];
        cblas_dger(CblasRowMajor, (int)o->ns, (int)wp, -1.0, o->alpha, 1, tt, 1, y, (int)wp);
        free(tt);
    }
    free(w);
}

/* Row bounds for the gather phase, chunks and S's entries grouped by them
 * for the scatter phase, and z, for blocks of width wp. */
static void prepare(op *o, size_t wp)
{
    const rs_csr *s = o->s;
    uint64_t total = s->nnz + s->rows;
    o->cut = rs_xmalloc(((size_t)o->threads + 1) * sizeof *o->cut);
    o->cut[0] = 0;
    uint32_t r = 0;
    for (int t = 1; t < o->threads; t++) {
        uint64_t want = total * (uint64_t)t / (uint64_t)o->threads;
        while (r < s->rows && s->indptr[r] + r < want) r++;
        o->cut[t] = r;
    }
    o->cut[o->threads] = s->rows;

    size_t want_chunks = (size_t)o->ns * wp * sizeof(double) / CHUNK_BYTES + 1;
    if (want_chunks < (size_t)o->threads) want_chunks = (size_t)o->threads;
    if (want_chunks > o->ns) want_chunks = o->ns ? o->ns : 1;
    int nc = (int)want_chunks;
    uint64_t *colnnz = rs_xcalloc((size_t)o->ns + 1, sizeof *colnnz);
    for (uint64_t p = 0; p < s->nnz; p++) colnnz[s->indices[p]]++;
    /* Chunks of about equal work: entries plus rows of y to clear. */
    o->bound = rs_xmalloc(((size_t)nc + 1) * sizeof *o->bound);
    uint32_t *chunk_of = rs_xmalloc(((size_t)o->ns + 1) * sizeof *chunk_of);
    uint64_t cum = 0, all = s->nnz + o->ns;
    int c = 0;
    o->bound[0] = 0;
    for (uint32_t j = 0; j < o->ns; j++) {
        while (c + 1 < nc && cum >= all * (uint64_t)(c + 1) / (uint64_t)nc) o->bound[++c] = j;
        chunk_of[j] = (uint32_t)c;
        cum += colnnz[j] + 1;
    }
    while (c < nc) o->bound[++c] = o->ns;
    o->chunks = nc;
    free(colnnz);
    size_t stride = (size_t)nc + 1;
    o->gptr = rs_xmalloc((size_t)o->nb * stride * sizeof *o->gptr);
    /* Rows sorted by column (as rs-index writes sorted input) are grouped
     * by chunk already: only the offsets are needed. */
    int sorted = 1;
    for (uint32_t u = 0; u < o->nb && sorted; u++)
        for (uint64_t p = s->indptr[u] + 1; p < s->indptr[u + 1] && sorted; p++)
            sorted = s->indices[p - 1] <= s->indices[p];
    uint32_t *gidx = sorted ? NULL : big((s->nnz + 1) * sizeof *gidx);
    float *gval = sorted ? NULL : big((s->nnz + 1) * sizeof *gval);
    o->gidx = sorted ? s->indices : gidx;
    o->gval = sorted ? s->values : gval;
    o->gown = !sorted;
    uint64_t *next = rs_xmalloc(stride * sizeof *next);
    for (uint32_t u = 0; u < o->nb; u++) {
        uint64_t *gp = o->gptr + (size_t)u * stride;
        memset(gp, 0, stride * sizeof *gp);
        for (uint64_t p = s->indptr[u]; p < s->indptr[u + 1]; p++) gp[chunk_of[s->indices[p]] + 1]++;
        gp[0] = s->indptr[u];
        for (size_t k = 1; k < stride; k++) gp[k] += gp[k - 1];
        if (sorted) continue;
        memcpy(next, gp, stride * sizeof *next);
        for (uint64_t p = s->indptr[u]; p < s->indptr[u + 1]; p++) {
            uint64_t q = next[chunk_of[s->indices[p]]]++;
            gidx[q] = s->indices[p];
            gval[q] = s->values[p];
        }
    }
    free(next);
    free(chunk_of);
    o->z = big(((size_t)o->nb * wp + 1) * sizeof *o->z);
}

static void release(op *o)
{
    free(o->cut);
    free(o->bound);
    free(o->gptr);
    if (o->gown) {
        free((void *)o->gidx);
        free((void *)o->gval);
    }
    free(o->z);
}

static int lapack_fail(rs_err *e, const char *what, lapack_int info)
{
    return rs_errf(e, RS_EDATA, "svd: LAPACK %s failed (info %d)", what, (int)info);
}

/* Householder QR of the w columns at y (column-major, ld ns): they become
 * orthonormal. */
static int qr_inplace(double *y, size_t ns, size_t w, double *tau, rs_err *e)
{
    if (!w) return 0;
    lapack_int info = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, (lapack_int)ns, (lapack_int)w, y,
                                     (lapack_int)ns, tau);
    if (info) return lapack_fail(e, "dgeqrf", info);
    info = LAPACKE_dorgqr(LAPACK_COL_MAJOR, (lapack_int)ns, (lapack_int)w, (lapack_int)w, y,
                          (lapack_int)ns, tau);
    return info ? lapack_fail(e, "dorgqr", info) : 0;
}

/* y -= K (K' y) for the w columns at y, K = the first nk columns of k (all
 * column-major, ld ns); c: nk x w scratch. */
static void project_out(const double *k, size_t nk, double *y, size_t ns, size_t w, double *c)
{
    if (!nk || !w) return;
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)nk, (int)w, (int)ns, 1.0, k,
                (int)ns, y, (int)ns, 0.0, c, (int)nk);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)ns, (int)w, (int)nk, -1.0, k,
                (int)ns, c, (int)nk, 1.0, y, (int)ns);
}

/* The next block of the basis: y (ns x w, column-major, already projected
 * off K twice) becomes wn orthonormal columns orthogonal to K (nk columns
 * of kb).  A pivoted QR keeps the directions that are really new (|R_jj|
 * above rounding level against ynorm, the size of y before projecting);
 * when fewer than wn are (the Krylov space is exhausted, as for a matrix of
 * low rank), random directions, made orthogonal to everything, fill the
 * rest. */
static int next_block(const double *kb, size_t nk, double *y, size_t ns, size_t w, size_t wn,
                      double ynorm, uint64_t seed, int it, double *c, double *tau,
                      lapack_int *jpvt, rs_err *e)
{
    memset(jpvt, 0, w * sizeof *jpvt);
    lapack_int info = LAPACKE_dgeqp3(LAPACK_COL_MAJOR, (lapack_int)ns, (lapack_int)w, y,
                                     (lapack_int)ns, jpvt, tau);
    if (info) return lapack_fail(e, "dgeqp3", info);
    size_t r = 0;
    while (r < wn && fabs(y[r * ns + r]) > 1e-10 * ynorm) r++;
    double rlast = r ? fabs(y[(r - 1) * ns + (r - 1)]) : 0;
    if (r) {
        info = LAPACKE_dorgqr(LAPACK_COL_MAJOR, (lapack_int)ns, (lapack_int)r, (lapack_int)r, y,
                              (lapack_int)ns, tau);
        if (info) return lapack_fail(e, "dorgqr", info);
        if (rlast < 1e-3 * ynorm) {
            /* Much cancelled in projecting: orthogonality to K is only
             * rounding / |R_jj|; once more restores it. */
            project_out(kb, nk, y, ns, r, c);
            if (qr_inplace(y, ns, r, tau, e) < 0) return -1;
        }
    }
    if (r < wn) {
        rs_rng g;
        rs_rng_seed2(&g, seed, ~(uint64_t)it);
        double *fill = y + r * ns;
        for (size_t i = 0; i < (wn - r) * ns; i++) fill[i] = rs_rng_normal(&g);
        for (int pass = 0; pass < 2; pass++) {
            project_out(kb, nk, fill, ns, wn - r, c);
            project_out(y, r, fill, ns, wn - r, c);
        }
        if (qr_inplace(fill, ns, wn - r, tau, e) < 0) return -1;
    }
    return 0;
}

/* The Krylov basis, column-major (ld ns), growing a block at a time, with
 * the projected matrices of the Rayleigh-Ritz step. */
typedef struct basis {
    size_t ns, n, cap;      /* rows; columns in use; columns allocated */
    double *k, *kr;         /* K, and K rounded to float values (see op) */
    double *g, *b;          /* Kr'MM'Kr and Kr'Kr, upper triangles, ld cap */
} basis;

static void basis_free(basis *B)
{
    free(B->k);
    free(B->kr);
    free(B->g);
    free(B->b);
}

static void basis_reserve(basis *B, size_t need)
{
    if (need <= B->cap) return;
    size_t cap = B->cap ? 2 * B->cap : need;
    if (cap < need) cap = need;
    /* Fresh arrays (on huge pages) rather than realloc: growing is rare. */
    double *k = big(B->ns * cap * sizeof *k), *kr = big(B->ns * cap * sizeof *kr);
    double *g = rs_xcalloc(cap * cap, sizeof *g), *b = rs_xcalloc(cap * cap, sizeof *b);
    if (B->n) {
        memcpy(k, B->k, B->ns * B->n * sizeof *k);
        memcpy(kr, B->kr, B->ns * B->n * sizeof *kr);
    }
    for (size_t c = 0; c < B->n; c++) {
        memcpy(g + c * cap, B->g + c * B->cap, B->n * sizeof *g);
        memcpy(b + c * cap, B->b + c * B->cap, B->n * sizeof *b);
    }
    basis_free(B);
    B->k = k;
    B->kr = kr;
    B->g = g;
    B->b = b;
    B->cap = cap;
}

/* Append the w columns of y (column-major) to the basis. */
static void basis_add(basis *B, const double *y, size_t w)
{
    basis_reserve(B, B->n + w);
    size_t ns = B->ns, n = B->n;
    memcpy(B->k + n * ns, y, w * ns * sizeof *y);
    for (size_t i = 0; i < w * ns; i++) B->kr[n * ns + i] = (float)y[i];
    /* Kr'Kr's new columns. */
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)(n + w), (int)w, (int)ns, 1.0,
                B->kr, (int)ns, B->kr + n * ns, (int)ns, 0.0, B->b + n * B->cap, (int)B->cap);
    B->n += w;
}

/* The Ritz values (ascending, in lam) of the current basis and, with vec,
 * the vectors (column-major, n x n). */
static int ritz(const basis *B, double *lam, double *vec, rs_err *e)
{
    size_t n = B->n;
    double *g = vec ? vec : rs_xmalloc(n * n * sizeof *g), *b = rs_xmalloc(n * n * sizeof *b);
    for (size_t c = 0; c < n; c++) {
        memcpy(g + c * n, B->g + c * B->cap, (c + 1) * sizeof *g);
        memcpy(b + c * n, B->b + c * B->cap, (c + 1) * sizeof *b);
    }
    lapack_int info = LAPACKE_dsygvd(LAPACK_COL_MAJOR, 1, vec ? 'V' : 'N', 'U', (lapack_int)n, g,
                                     (lapack_int)n, b, (lapack_int)n, lam);
    if (!vec) free(g);
    free(b);
    return info ? lapack_fail(e, "dsygvd", info) : 0;
}

/* x (ns rows of wp floats) = columns [off, off + w) of k (column-major),
 * zero padded. */
static void load_block(float *x, size_t wp, const double *k, size_t ns, size_t off, size_t w)
{
    for (size_t r = 0; r < ns; r++) {
        for (size_t c = 0; c < w; c++) x[r * wp + c] = (float)k[(off + c) * ns + r];
        for (size_t c = w; c < wp; c++) x[r * wp + c] = 0.0f;
    }
}

static void copy_cols(double *dst, size_t ldd, const double *src, size_t lds, size_t rows,
                      size_t w)
{
    for (size_t r = 0; r < rows; r++) memcpy(dst + r * ldd, src + r * lds, w * sizeof *dst);
}

/* Centring as c d' in A's orientation (rows x cols). */
static void centring(const rs_csr *a, int center, rs_svd *s, double **c, double **d)
{
    *c = *d = NULL;
    if (center == RS_CENTER_NONE) return;
    double *rs = rs_xcalloc((size_t)a->rows + 1, sizeof *rs);
    double *cs = rs_xcalloc((size_t)a->cols + 1, sizeof *cs);
    double total = 0;
    for (uint32_t r = 0; r < a->rows; r++)
        for (uint64_t p = a->indptr[r]; p < a->indptr[r + 1]; p++) {
            rs[r] += a->values[p];
            cs[a->indices[p]] += a->values[p];
        }
    for (uint32_t r = 0; r < a->rows; r++) total += rs[r];
    *c = rs_xmalloc(((size_t)a->rows + 1) * sizeof **c);
    *d = rs_xmalloc(((size_t)a->cols + 1) * sizeof **d);
    for (uint32_t r = 0; r < a->rows; r++) (*c)[r] = 1.0;
    for (uint32_t i = 0; i < a->cols; i++) (*d)[i] = 1.0;
    if (center == RS_CENTER_GLOBAL) {
        s->global_bias = total / ((double)a->rows * (double)a->cols);
        for (uint32_t r = 0; r < a->rows; r++) (*c)[r] = s->global_bias;
    } else if (center == RS_CENTER_USER) {
        for (uint32_t r = 0; r < a->rows; r++) (*c)[r] = rs[r] / a->cols;
        s->user_bias = rs_xmalloc(((size_t)a->rows + 1) * sizeof *s->user_bias);
        memcpy(s->user_bias, *c, (size_t)a->rows * sizeof **c);
    } else {
        for (uint32_t i = 0; i < a->cols; i++) (*d)[i] = cs[i] / a->rows;
        s->item_bias = rs_xmalloc(((size_t)a->cols + 1) * sizeof *s->item_bias);
        memcpy(s->item_bias, *d, (size_t)a->cols * sizeof **d);
    }
    free(rs);
    free(cs);
}

void rs_svd_defaults(rs_svd_opts *o)
{
    memset(o, 0, sizeof *o);
    o->k = RS_SVD_K;
    o->block = RS_SVD_BLOCK;
    o->power = RS_SVD_POWER;
    o->tol = RS_SVD_TOL;
    o->seed = RS_SVD_SEED;
    o->center = RS_CENTER_NONE;
    o->threads = 1;
}

static const char *const center_names[] = { "none", "global", "user", "item" };

int rs_svd_center_parse(const char *s)
{
    for (int c = 0; c < 4; c++)
        if (!strcmp(s, center_names[c])) return c;
    return -1;
}

const char *rs_svd_center_name(int center)
{
    return center >= 0 && center < 4 ? center_names[center] : "?";
}

void rs_svd_free(rs_svd *s)
{
    free(s->sigma);
    free(s->u);
    free(s->v);
    free(s->user_bias);
    free(s->item_bias);
    memset(s, 0, sizeof *s);
}

/* Columns per block: small blocks converge fastest for the work, but a
 * large k wants fewer, wider steps (measured on MovieLens). */
static size_t block_width(const rs_svd_opts *o)
{
    size_t b = o->block > 0 ? (size_t)o->block : (size_t)o->k / 16;
    return pad(o->block > 0 || b > RS_SVD_BLOCK_MIN ? b : RS_SVD_BLOCK_MIN);
}

/* The Krylov iteration and Rayleigh-Ritz step on o; fills the small-side
 * vectors us (ns x k), big-side vb (nb x k) and sigma. */
static int krylov(op *o, const rs_svd_opts *opt, rs_svd *s, double *us, double *vb, rs_err *e)
{
    size_t ns = o->ns, nb = o->nb, k = (size_t)opt->k;
    size_t bw = block_width(opt), wp = bw;
    if (bw > ns) bw = ns;
    /* At most power + 1 blocks, but never fewer columns than k. */
    size_t maxcols = bw * ((size_t)opt->power + 1);
    if (maxcols / bw != (size_t)opt->power + 1) maxcols = ns;
    if (maxcols < k) maxcols = k;
    if (maxcols > ns) maxcols = ns;
    uint64_t maxpasses = 2 + (maxcols + bw - 1) / bw;
    basis B = { .ns = ns };
    /* Rating matrices converge with a basis of about 5k columns. */
    basis_reserve(&B, maxcols < 6 * k + 2 * bw ? maxcols : 6 * k + 2 * bw);
    float *x = big(ns * wp * sizeof *x);
    double *y = big(ns * wp * sizeof *y);             /* a pass's result, by rows */
    double *yc = rs_xmalloc(ns * bw * sizeof *yc);    /* the same, by columns */
    double *c = NULL, *tau = rs_xcalloc(bw, sizeof *tau);
    double *lam = NULL, *prev = rs_xcalloc(k, sizeof *prev), *vec = NULL, *xk = NULL;
    double *up = NULL, *scale = NULL, *wv = NULL, *vp = NULL;
    float *uf = NULL;
    lapack_int *jpvt = rs_xcalloc(bw, sizeof *jpvt);
    int rc = -1, have_prev = 0;
    prepare(o, wp);

    double t0 = rs_now();
    pass_scatter(o, PASS_RANGE, NULL, y, wp, bw);
    for (size_t r = 0; r < ns; r++)
        for (size_t j = 0; j < bw; j++) yc[j * ns + r] = y[r * wp + j];
    if (qr_inplace(yc, ns, bw, tau, e) < 0) goto out;
    basis_add(&B, yc, bw);
    size_t off = 0, w = bw;           /* the newest block: offset, width */
    s->passes = 1;
    if (opt->progress) rs_progress_update(opt->progress, 1, maxpasses, "passes");
    double t1 = rs_now();
    s->t_range = t1 - t0;
    for (int it = 0;; it++) {
        load_block(x, wp, B.kr, ns, off, w);
        pass_scatter(o, PASS_GRAM, x, y, wp, w);
        s->passes++;
        if (opt->progress) rs_progress_update(opt->progress, (uint64_t)s->passes, maxpasses, "passes");
        for (size_t r = 0; r < ns; r++)
            for (size_t j = 0; j < w; j++) yc[j * ns + r] = y[r * wp + j];
        /* Column block of G: Kr' (M M' Kr_it); also, as Kr is K to float
         * precision, the first projection, which the second one refines. */
        double *gcol = B.g + off * B.cap;
        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)B.n, (int)w, (int)ns, 1.0, B.kr,
                    (int)ns, yc, (int)ns, 0.0, gcol, (int)B.cap);
        if (B.n == ns) {                  /* the basis spans everything: exact */
            s->converged = 1;
            break;
        }
        if (opt->tol > 0 && B.n >= k) {
            lam = rs_xrealloc(lam, B.n * sizeof *lam);
            if (ritz(&B, lam, NULL, e) < 0) goto out;
            double top = sqrt(fmax(lam[B.n - 1], 0.0)), change = 0;
            for (size_t j = 0; j < k; j++) {
                double sj = sqrt(fmax(lam[B.n - 1 - j], 0.0));
                change = fmax(change, fabs(sj - prev[j]) / fmax(sj, 1e-12 * top));
                prev[j] = sj;
            }
            s->change = have_prev ? change : INFINITY;
            if (have_prev && (change < opt->tol || top == 0)) {
                s->converged = 1;
                break;
            }
            have_prev = 1;
        }
        if (B.n >= maxcols) break;
        double norm = 0;
        for (size_t j = 0; j < w; j++) norm = fmax(norm, cblas_dnrm2((int)ns, yc + j * ns, 1));
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)ns, (int)w, (int)B.n, -1.0,
                    B.k, (int)ns, gcol, (int)B.cap, 1.0, yc, (int)ns);
        c = rs_xrealloc(c, B.n * bw * sizeof *c);
        project_out(B.k, B.n, yc, ns, w, c);      /* twice is enough */
        size_t wn = w < maxcols - B.n ? w : maxcols - B.n;
        if (next_block(B.k, B.n, yc, ns, w, wn, norm, opt->seed, it, c, tau, jpvt, e) < 0)
            goto out;
        off = B.n;
        w = wn;
        basis_add(&B, yc, wn);
        s->iterations = it + 1;
    }
    if (opt->tol == 0) s->converged = 1;      /* ran as many iterations as asked */
    double t2 = rs_now();
    s->t_power = t2 - t1;

    /* Rayleigh-Ritz: Kr'MM'Kr y = s^2 Kr'Kr y; Kr'Kr is I up to the rounding. */
    size_t n = B.n;
    lam = rs_xrealloc(lam, n * sizeof *lam);
    vec = rs_xmalloc(n * n * sizeof *vec);
    if (ritz(&B, lam, vec, e) < 0) goto out;
    size_t kp = pad(k);
    xk = rs_xmalloc(n * k * sizeof *xk);      /* column-major, the top k first */
    for (size_t j = 0; j < k; j++) {
        memcpy(xk + j * n, vec + (n - 1 - j) * n, n * sizeof *xk);
        s->sigma[j] = sqrt(fmax(lam[n - 1 - j], 0.0));
    }
    up = rs_xmalloc(ns * k * sizeof *up);      /* column-major */
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)ns, (int)k, (int)n, 1.0, B.kr,
                (int)ns, xk, (int)n, 0.0, up, (int)ns);
    /* Directions with no singular value to speak of get no V (it would be
     * rounding noise divided by nothing); they add nothing to U S V'. */
    scale = rs_xcalloc(kp, sizeof *scale);
    for (size_t j = 0; j < k; j++)
        scale[j] = s->sigma[j] > 1e-13 * s->sigma[0] ? 1.0 / s->sigma[j] : 0.0;
    uf = big(ns * kp * sizeof *uf);
    load_block(uf, kp, up, ns, 0, k);
    vp = big(nb * kp * sizeof *vp);
    wv = alpha_times(o, uf, kp);
    job j = { .o = o, .kind = PASS_GATHER, .wp = kp, .x = uf, .y = vp, .w = wv, .scale = scale };
    run(&j, o->threads);
    s->passes++;
    for (size_t r = 0; r < ns; r++)
        for (size_t q = 0; q < k; q++) us[r * k + q] = up[q * ns + r];
    copy_cols(vb, k, vp, kp, nb, k);
    s->basis = (int)n;
    s->t_small = rs_now() - t2;
    rc = 0;
out:
    basis_free(&B);
    free(x);
    free(y);
    free(yc);
    free(c);
    free(tau);
    free(jpvt);
    free(lam);
    free(prev);
    free(vec);
    free(xk);
    free(up);
    free(scale);
    free(uf);
    free(wv);
    free(vp);
    release(o);
    return rc;
}

/* Flip each triplet so that the entry of V of largest magnitude (the first
 * such) is positive: signs are otherwise arbitrary. */
static void fix_signs(rs_svd *s)
{
    size_t k = (size_t)s->k;
    for (size_t j = 0; j < k; j++) {
        double best = 0;
        for (uint32_t i = 0; i < s->cols; i++)
            if (fabs(s->v[i * k + j]) > fabs(best)) best = s->v[i * k + j];
        if (best >= 0) continue;
        for (uint32_t i = 0; i < s->cols; i++) s->v[i * k + j] = -s->v[i * k + j];
        for (uint32_t r = 0; r < s->rows; r++) s->u[r * k + j] = -s->u[r * k + j];
    }
}

int rs_svd_compute(const rs_csr *a, const rs_svd_opts *opt, rs_svd *s, rs_err *e)
{
    memset(s, 0, sizeof *s);
    uint32_t small = a->rows < a->cols ? a->rows : a->cols;
    if (opt->k < 1 || (uint32_t)opt->k > small)
        return rs_errf(e, RS_EUSAGE, "-k %d: the matrix (%u x %u) allows 1 to %u factors",
                       opt->k, a->rows, a->cols, small);
    if (opt->block < 0 || opt->power < 0 || !(opt->tol >= 0) || opt->threads < 1 ||
        opt->center < RS_CENTER_NONE || opt->center > RS_CENTER_ITEM)
        return rs_errf(e, RS_EUSAGE, "svd: bad options");
    s->rows = a->rows;
    s->cols = a->cols;
    s->k = opt->k;
    size_t k = (size_t)opt->k;
    s->sigma = rs_xcalloc(k, sizeof *s->sigma);
    s->u = rs_xcalloc((size_t)a->rows * k, sizeof *s->u);
    s->v = rs_xcalloc((size_t)a->cols * k, sizeof *s->v);
    double *c, *d;
    centring(a, opt->center, s, &c, &d);

    /* Work from the larger side: S = A when users outnumber items (the
     * usual case, and then no transpose is needed), else A'. */
    rs_csr t = { 0 };
    int users_big = a->rows >= a->cols;
    if (!users_big) rs_csr_transpose(a, &t);
    op o = { .s = users_big ? a : &t, .threads = opt->threads, .seed = opt->seed };
    o.nb = o.s->rows;
    o.ns = o.s->cols;
    o.beta = users_big ? c : d;
    o.alpha = users_big ? d : c;
    double *us = users_big ? s->v : s->u, *vb = users_big ? s->u : s->v;
    int rc = krylov(&o, opt, s, us, vb, e);
    rs_csr_free(&t);
    free(c);
    free(d);
    if (rc < 0) {
        rs_svd_free(s);
        return -1;
    }
    fix_signs(s);
    return 0;
}

static float *scaled(const double *m, size_t rows, size_t k, const double *sigma)
{
    float *f = rs_xmalloc((rows * k + 1) * sizeof *f);
    for (size_t j = 0; j < k; j++) {
        double r = sqrt(sigma[j]);
        for (size_t i = 0; i < rows; i++) f[i * k + j] = (float)(m[i * k + j] * r);
    }
    return f;
}

static float *to_f32(const double *m, size_t n)
{
    float *f = rs_xmalloc((n + 1) * sizeof *f);
    for (size_t i = 0; i < n; i++) f[i] = (float)m[i];
    return f;
}

/* Keep only the meta entries that describe the matrix (rs-index's kind=
 * and columns=): those of an earlier model (a funk range=, an als alpha=)
 * would change how this one is scored. */
static void keep_matrix_meta(rs_bundle *b)
{
    static const char *const matrix_keys[] = { "kind=", "columns=" };
    rs_block *m = rs_bundle_get(b, "meta");
    if (!m || m->dtype != RS_STR) return;
    const char **str = rs_block_strs(m);
    uint64_t n = m->rows, kept = 0;
    char **keep = rs_xmalloc((n ? n : 1) * sizeof *keep);
    for (uint64_t j = 0; j < n; j++)
        for (size_t q = 0; q < sizeof matrix_keys / sizeof matrix_keys[0]; q++)
            if (!strncmp(str[j], matrix_keys[q], strlen(matrix_keys[q]))) {
                keep[kept++] = rs_xstrdup(str[j]);   /* str points into the block */
                break;
            }
    free(str);
    rs_bundle_remove(b, "meta");
    if (kept) rs_bundle_put_strs(b, "meta", (const char *const *)keep, kept);
    for (uint64_t j = 0; j < kept; j++) free(keep[j]);
    free(keep);
}

void rs_svd_put(const rs_svd *s, const rs_svd_opts *o, rs_bundle *b)
{
    /* Another model's parameters must not ride along under model=svd. */
    static const char *const stale[] = {
        "user_factors", "item_factors", "sigma", "user_bias", "item_bias",
        "item_nbr_indptr", "item_nbr_indices", "item_nbr_values",
        "user_nbr_indptr", "user_nbr_indices", "user_nbr_values",
        "w2v_in", "w2v_out", "w2v_count",
    };
    for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++) rs_bundle_remove(b, stale[i]);
    keep_matrix_meta(b);
    size_t k = (size_t)s->k;
    rs_bundle_put(b, "user_factors", RS_F32, s->rows, k, scaled(s->u, s->rows, k, s->sigma), 1);
    rs_bundle_put(b, "item_factors", RS_F32, s->cols, k, scaled(s->v, s->cols, k, s->sigma), 1);
    rs_bundle_put(b, "sigma", RS_F32, k, 1, to_f32(s->sigma, k), 1);
    if (s->user_bias) rs_bundle_put(b, "user_bias", RS_F32, s->rows, 1, to_f32(s->user_bias, s->rows), 1);
    if (s->item_bias) rs_bundle_put(b, "item_bias", RS_F32, s->cols, 1, to_f32(s->item_bias, s->cols), 1);
    char buf[64];
    rs_meta_set(b, "model", "svd");
    snprintf(buf, sizeof buf, "%d", s->k);
    rs_meta_set(b, "k", buf);
    rs_meta_set(b, "center", rs_svd_center_name(o->center));
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)o->seed);
    rs_meta_set(b, "seed", buf);
    snprintf(buf, sizeof buf, "%zu", block_width(o));
    rs_meta_set(b, "block", buf);
    snprintf(buf, sizeof buf, "%d", o->power);
    rs_meta_set(b, "power", buf);
    rs_num_fmt_f64(buf, o->tol);
    rs_meta_set(b, "tol", buf);
    rs_num_fmt_f64(buf, s->global_bias);
    rs_meta_set(b, "global_bias", buf);
}
