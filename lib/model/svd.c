#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>
#include <sys/mman.h>
#include "common/parallel.h"
#include "common/num.h"
#include "common/rng.h"
#include "format/layout.h"
#include "model/svd.h"
#include "model/diverge.h"

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
    int kind, phase, n;     /* what, on how many workers */
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

/* Worker t of j->n: chunks t, t + n, ... of the scatter phase, or rows
 * cut[t] .. cut[t + 1] of S in the others. */
HOT static int work(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    const job *j = arg;
    const op *o = j->o;
    size_t wp = j->wp;
    if (j->phase == PHASE_SCATTER) {
        for (int c = t; c < o->chunks; c += j->n) scatter_chunk(o, c, o->z, wp, j->y);
        return 0;
    }
    for (uint32_t u = o->cut[t]; u < o->cut[t + 1]; u++) {
        double *z = (j->kind == PASS_GATHER ? j->y : o->z) + (size_t)u * wp;
        if (j->kind == PASS_RANGE) {
            gaussian_row(o->seed, u, z, j->l, wp);
        } else {
            row_times(o, u, j->x, wp, j->w, z);
            if (j->kind == PASS_GATHER)
                for (size_t c = 0; c < wp; c++) z[c] *= j->scale[c];
        }
    }
    return 0;
}

/* j on n workers.  Each sum runs in the same order whoever does it, so
 * the result does not depend on n (work never fails). */
static void run(job *j, int n)
{
    rs_err e;
    j->n = n;
    rs_parallel_for(n, (size_t)n, work, j, &e);
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

/* The Krylov iteration's state: the basis, the newest block and scratch. */
typedef struct kry {
    op *o;
    const rs_svd_opts *opt;
    rs_svd *s;
    size_t ns, k, bw, wp;   /* rows, triplets, block width, padded */
    size_t maxcols;         /* the basis stops growing here */
    uint64_t maxpasses;     /* for the progress line */
    basis B;
    size_t off, w;          /* the newest block: offset, width */
    float *x;               /* a pass's input, by rows (ns x wp) */
    double *y;              /* a pass's result, by rows */
    double *yc;             /* the same, by columns */
    double *c, *tau, *lam, *prev;
    lapack_int *jpvt;
    int have_prev;
} kry;

static void kry_init(kry *K, op *o, const rs_svd_opts *opt, rs_svd *s)
{
    size_t ns = o->ns, k = (size_t)opt->k;
    size_t bw = block_width(opt), wp = bw;
    if (bw > ns) bw = ns;
    /* At most power + 1 blocks, but never fewer columns than k. */
    size_t maxcols = bw * ((size_t)opt->power + 1);
    if (maxcols / bw != (size_t)opt->power + 1) maxcols = ns;
    if (maxcols < k) maxcols = k;
    if (maxcols > ns) maxcols = ns;
    *K = (kry){ .o = o, .opt = opt, .s = s, .ns = ns, .k = k, .bw = bw, .wp = wp,
                .maxcols = maxcols, .maxpasses = 2 + (maxcols + bw - 1) / bw };
    K->B.ns = ns;
    /* Rating matrices converge with a basis of about 5k columns. */
    basis_reserve(&K->B, maxcols < 6 * k + 2 * bw ? maxcols : 6 * k + 2 * bw);
    K->x = big(ns * wp * sizeof *K->x);
    K->y = big(ns * wp * sizeof *K->y);
    K->yc = rs_xmalloc(ns * bw * sizeof *K->yc);
    K->tau = rs_xcalloc(bw, sizeof *K->tau);
    K->prev = rs_xcalloc(k, sizeof *K->prev);
    K->jpvt = rs_xcalloc(bw, sizeof *K->jpvt);
    prepare(o, wp);
}

static void kry_free(kry *K)
{
    basis_free(&K->B);
    free(K->x);
    free(K->y);
    free(K->yc);
    free(K->c);
    free(K->tau);
    free(K->jpvt);
    free(K->lam);
    free(K->prev);
    release(K->o);
}

/* y's first w columns into yc, by columns. */
static void y_to_columns(kry *K, size_t w)
{
    for (size_t r = 0; r < K->ns; r++)
        for (size_t j = 0; j < w; j++) K->yc[j * K->ns + r] = K->y[r * K->wp + j];
}

/* The first block: M times a Gaussian test matrix, orthonormalised. */
static int range_finder(kry *K, rs_err *e)
{
    pass_scatter(K->o, PASS_RANGE, NULL, K->y, K->wp, K->bw);
    y_to_columns(K, K->bw);
    if (qr_inplace(K->yc, K->ns, K->bw, K->tau, e) < 0) return -1;
    basis_add(&K->B, K->yc, K->bw);
    K->off = 0;
    K->w = K->bw;
    K->s->passes = 1;
    if (K->opt->progress) rs_progress_update(K->opt->progress, 1, K->maxpasses, "passes");
    return 0;
}

/* Whether the top k Ritz values have settled (with G complete up to the
 * newest block). */
static int settled(kry *K, rs_err *e)
{
    basis *B = &K->B;
    K->lam = rs_xrealloc(K->lam, B->n * sizeof *K->lam);
    if (ritz(B, K->lam, NULL, e) < 0) return -1;
    double top = sqrt(fmax(K->lam[B->n - 1], 0.0)), change = 0;
    for (size_t j = 0; j < K->k; j++) {
        double sj = sqrt(fmax(K->lam[B->n - 1 - j], 0.0));
        change = fmax(change, fabs(sj - K->prev[j]) / fmax(sj, 1e-12 * top));
        K->prev[j] = sj;
    }
    K->s->change = K->have_prev ? change : INFINITY;
    if (K->have_prev && (change < K->opt->tol || top == 0)) return 1;
    K->have_prev = 1;
    return 0;
}

/* Power iteration it: M M' times the newest block, its column block of G,
 * then (unless converged or full) the next block.  Returns 1 when the
 * iteration is over, 0 to go on, -1 on an error. */
static int power_step(kry *K, int it, rs_err *e)
{
    basis *B = &K->B;
    size_t ns = K->ns, w = K->w;
    load_block(K->x, K->wp, B->kr, ns, K->off, w);
    pass_scatter(K->o, PASS_GRAM, K->x, K->y, K->wp, w);
    K->s->passes++;
    if (K->opt->progress)
        rs_progress_update(K->opt->progress, (uint64_t)K->s->passes, K->maxpasses, "passes");
    y_to_columns(K, w);
    /* Column block of G: Kr' (M M' Kr_it); also, as Kr is K to float
     * precision, the first projection, which the second one refines. */
    double *gcol = B->g + K->off * B->cap;
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)B->n, (int)w, (int)ns, 1.0, B->kr,
                (int)ns, K->yc, (int)ns, 0.0, gcol, (int)B->cap);
    if (B->n == ns) {                 /* the basis spans everything: exact */
        K->s->converged = 1;
        return 1;
    }
    if (K->opt->tol > 0 && B->n >= K->k) {
        int done = settled(K, e);
        if (done < 0) return -1;
        if (done) {
            K->s->converged = 1;
            return 1;
        }
    }
    if (B->n >= K->maxcols) return 1;
    double norm = 0;
    for (size_t j = 0; j < w; j++) norm = fmax(norm, cblas_dnrm2((int)ns, K->yc + j * ns, 1));
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)ns, (int)w, (int)B->n, -1.0,
                B->k, (int)ns, gcol, (int)B->cap, 1.0, K->yc, (int)ns);
    K->c = rs_xrealloc(K->c, B->n * K->bw * sizeof *K->c);
    project_out(B->k, B->n, K->yc, ns, w, K->c);      /* twice is enough */
    size_t wn = w < K->maxcols - B->n ? w : K->maxcols - B->n;
    if (next_block(B->k, B->n, K->yc, ns, w, wn, norm, K->opt->seed, it, K->c, K->tau, K->jpvt,
                   e) < 0)
        return -1;
    K->off = B->n;
    K->w = wn;
    basis_add(B, K->yc, wn);
    K->s->iterations = it + 1;
    return 0;
}

/* Rayleigh-Ritz: Kr'MM'Kr y = s^2 Kr'Kr y (Kr'Kr is I up to the
 * rounding); the small-side vectors us (ns x k), then the big side's vb
 * (nb x k) in one more pass, and sigma. */
static int rayleigh_ritz(kry *K, double *us, double *vb, rs_err *e)
{
    const basis *B = &K->B;
    op *o = K->o;
    rs_svd *s = K->s;
    size_t n = B->n, ns = K->ns, k = K->k, kp = pad(k);
    K->lam = rs_xrealloc(K->lam, n * sizeof *K->lam);
    double *vec = rs_xmalloc(n * n * sizeof *vec);
    if (ritz(B, K->lam, vec, e) < 0) {
        free(vec);
        return -1;
    }
    double *xk = rs_xmalloc(n * k * sizeof *xk);      /* column-major, the top k first */
    for (size_t j = 0; j < k; j++) {
        memcpy(xk + j * n, vec + (n - 1 - j) * n, n * sizeof *xk);
        s->sigma[j] = sqrt(fmax(K->lam[n - 1 - j], 0.0));
    }
    double *up = rs_xmalloc(ns * k * sizeof *up);      /* column-major */
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)ns, (int)k, (int)n, 1.0, B->kr,
                (int)ns, xk, (int)n, 0.0, up, (int)ns);
    /* Directions with no singular value to speak of get no V (it would be
     * rounding noise divided by nothing); they add nothing to U S V'. */
    double *scale = rs_xcalloc(kp, sizeof *scale);
    for (size_t j = 0; j < k; j++)
        scale[j] = s->sigma[j] > 1e-13 * s->sigma[0] ? 1.0 / s->sigma[j] : 0.0;
    float *uf = big(ns * kp * sizeof *uf);
    load_block(uf, kp, up, ns, 0, k);
    double *vp = big(o->nb * kp * sizeof *vp);
    double *wv = alpha_times(o, uf, kp);
    job j = { .o = o, .kind = PASS_GATHER, .wp = kp, .x = uf, .y = vp, .w = wv, .scale = scale };
    run(&j, o->threads);
    s->passes++;
    for (size_t r = 0; r < ns; r++)
        for (size_t q = 0; q < k; q++) us[r * k + q] = up[q * ns + r];
    copy_cols(vb, k, vp, kp, o->nb, k);
    s->basis = (int)n;
    free(vec);
    free(xk);
    free(up);
    free(scale);
    free(uf);
    free(wv);
    free(vp);
    return 0;
}

/* The Krylov iteration and Rayleigh-Ritz step on o; fills the small-side
 * vectors us (ns x k), big-side vb (nb x k) and sigma. */
static int krylov(op *o, const rs_svd_opts *opt, rs_svd *s, double *us, double *vb, rs_err *e)
{
    kry K;
    kry_init(&K, o, opt, s);
    int rc = -1;
    double t0 = rs_now();
    if (range_finder(&K, e) < 0) goto out;
    double t1 = rs_now();
    s->t_range = t1 - t0;
    int step = 0;
    for (int it = 0; step == 0; it++) step = power_step(&K, it, e);
    if (step < 0) goto out;
    if (opt->tol == 0) s->converged = 1;      /* ran as many iterations as asked */
    double t2 = rs_now();
    s->t_power = t2 - t1;
    if (rayleigh_ritz(&K, us, vb, e) < 0) goto out;
    s->t_small = rs_now() - t2;
    rc = 0;
out:
    kry_free(&K);
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
    /* Values near the double range overflow the products to inf, then NaN. */
    static const char hint[] = "the matrix values are too large (or not numbers); rescale them";
    if (rc == 0)
        rc = rs_diverged_f64("the SVD", "the end", "sigma", s->sigma, k, 1, hint, e) < 0 ||
             rs_diverged_f64("the SVD", "the end", "a user factor", s->u, (size_t)a->rows * k, k, hint, e) < 0 ||
             rs_diverged_f64("the SVD", "the end", "an item factor", s->v, (size_t)a->cols * k, k, hint, e) < 0
             ? -1 : 0;
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

void rs_svd_put(const rs_svd *s, const rs_svd_opts *o, rs_bundle *b)
{
    /* Another model's parameters must not ride along under model=svd. */
    rs_layout_start_model(b);
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
