#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>
#include "rng.h"
#include "svd.h"

/* Dense blocks that the sparse passes read or write have rows padded to a
 * multiple of LANE (with zeros), so the inner loops have a fixed trip count
 * the compiler turns into vector code. */
#define LANE 8
/* The scatter half of a pass works on column chunks whose accumulator rows
 * take about this much memory, so they stay in a core's cache. */
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

/* The centred matrix seen from its larger side: C = S - beta alpha', with S
 * the CSR whose rows are the larger side (nb rows, ns columns).  The SVD is
 * computed for M = C' (ns x nb), whose row space is the small side.
 *
 * A pass y = M M' x works on slices of LANE columns at a time, so that what
 * it reads and writes at random (a slice of x, of y) stays in a core's
 * cache, and in two phases.  Gather: z = C x, row by row of S, a slice's
 * sums in registers.  Scatter: y = C' z, in chunks of y's rows, from a copy
 * of S's entries grouped by chunk.  Tasks are (slice, rows of S) and
 * (slice, chunk): each writes its own part of z or y, and every sum runs in
 * the same order however tasks fall on threads, so results do not depend
 * on the number of threads.
 *
 * Precision: x is rounded to float, which halves the memory its random
 * accesses touch; sums are double.  The basis K (orthonormal, in double,
 * for the projections) has a copy Kr rounded to float values, so a pass
 * multiplies exactly Kr, and the Rayleigh-Ritz step is done on Kr:
 * Kr'MM'Kr y = s^2 Kr'Kr y with Kr'Kr computed.  The rounding then costs no
 * accuracy in the singular values. */
typedef struct op {
    const rs_csr *s;
    const double *beta;     /* nb, or NULL when not centred */
    const double *alpha;    /* ns */
    uint32_t nb, ns;
    int threads;
    uint32_t *cut;          /* threads + 1 row bounds of S, balanced by work */
    int chunks;
    uint32_t *bound;        /* chunks + 1 bounds of y's rows */
    uint64_t *gptr;         /* row u, chunk c: gptr[u (chunks+1) + c] .. + 1 */
    const uint32_t *gidx;   /* S's entries, grouped by chunk within each row */
    const float *gval;
    int gown;               /* gidx, gval are a copy (else S's own arrays) */
    size_t slices;          /* of LANE columns, in the widest pass */
    float *xs;              /* slice-major: slice s, row r at (s ns + r) LANE */
    double *ys;             /* likewise, ns rows */
    double *zs;             /* likewise, nb rows */
    uint64_t seed;
} op;

enum { TASK_GATHER, TASK_RANGE, TASK_SCATTER };

typedef struct job {
    const op *o;
    int kind, t, n;         /* what, which worker, of how many */
    size_t slices;          /* in this pass */
    size_t l;               /* TASK_RANGE: columns of the test matrix */
    const double *w;        /* alpha' x (slices x LANE), when centred */
} job;

/* Row u of the Gaussian test matrix, slice s: from its own stream, never
 * stored, the same for any number of threads.  Box-Muller. */
static void gaussian(uint64_t seed, uint32_t u, size_t s, size_t slices, size_t l,
                     double *z)
{
    rs_rng r;
    rs_rng_seed2(&r, seed, (uint64_t)u * slices + s);
    for (int c = 0; c < LANE; c += 2) {
        double u1 = 1.0 - rs_rng_double(&r), u2 = 6.283185307179586 * rs_rng_double(&r);
        double rad = sqrt(-2.0 * log(u1));
        z[c] = s * LANE + c < l ? rad * cos(u2) : 0.0;
        z[c + 1] = s * LANE + c + 1 < l ? rad * sin(u2) : 0.0;
    }
}

/* z's slice s, rows [r0, r1) of S: C x (or the test matrix). */
static inline void gather(const job *j, size_t s, uint32_t r0, uint32_t r1)
{
    const op *o = j->o;
    const rs_csr *m = o->s;
    const float *restrict xs = o->xs + s * o->ns * LANE;
    double *restrict zs = o->zs + s * o->nb * LANE;
    for (uint32_t u = r0; u < r1; u++) {
        double z[LANE] = { 0 };
        if (j->kind == TASK_RANGE) {
            gaussian(o->seed, u, s, j->slices, j->l, z);
        } else {
            for (uint64_t p = m->indptr[u]; p < m->indptr[u + 1]; p++) {
                double v = m->values[p];
                const float *restrict xr = xs + (size_t)m->indices[p] * LANE;
                for (int l = 0; l < LANE; l++) z[l] += v * xr[l];
            }
            if (o->beta)
                for (int l = 0; l < LANE; l++) z[l] -= o->beta[u] * j->w[s * LANE + l];
        }
        for (int l = 0; l < LANE; l++) zs[(size_t)u * LANE + l] = z[l];
    }
}

/* y's slice s, rows of chunk c: C' z. */
static inline void scatter(const job *j, size_t s, int c)
{
    const op *o = j->o;
    size_t stride = (size_t)o->chunks + 1;
    const double *restrict zs = o->zs + s * o->nb * LANE;
    double *restrict ys = o->ys + s * o->ns * LANE;
    memset(ys + (size_t)o->bound[c] * LANE, 0,
           (size_t)(o->bound[c + 1] - o->bound[c]) * LANE * sizeof *ys);
    for (uint32_t u = 0; u < o->nb; u++) {
        const uint64_t *gp = o->gptr + (size_t)u * stride + c;
        if (gp[0] == gp[1]) continue;
        double z[LANE];
        for (int l = 0; l < LANE; l++) z[l] = zs[(size_t)u * LANE + l];
        for (uint64_t p = gp[0]; p < gp[1]; p++) {
            double v = o->gval[p];
            double *restrict yr = ys + (size_t)o->gidx[p] * LANE;
            for (int l = 0; l < LANE; l++) yr[l] += v * z[l];
        }
    }
}

HOT static void *work(void *arg)
{
    const job *j = arg;
    const op *o = j->o;
    if (j->kind == TASK_SCATTER) {
        size_t tasks = j->slices * (size_t)o->chunks;
        for (size_t k = (size_t)j->t; k < tasks; k += (size_t)j->n)
            scatter(j, k / (size_t)o->chunks, (int)(k % (size_t)o->chunks));
    } else {
        size_t tasks = j->slices * (size_t)o->threads;
        for (size_t k = (size_t)j->t; k < tasks; k += (size_t)j->n) {
            size_t r = k % (size_t)o->threads;
            gather(j, k / (size_t)o->threads, o->cut[r], o->cut[r + 1]);
        }
    }
    return NULL;
}

/* Run n workers over the tasks of tmpl; the caller's thread is worker 0.
 * Where a thread cannot start, its share runs here: the same result. */
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

/* xs = columns [off, off + w) of x (ld ldx, ns rows), float, zero padded. */
static size_t load_slices(op *o, const double *x, size_t ldx, size_t off, size_t w)
{
    size_t slices = (w + LANE - 1) / LANE, ns = o->ns;
    for (size_t s = 0; s < slices; s++) {
        float *xs = o->xs + s * ns * LANE;
        for (size_t r = 0; r < ns; r++)
            for (size_t l = 0; l < LANE; l++) {
                size_t c = s * LANE + l;
                xs[r * LANE + l] = c < w ? (float)x[r * ldx + off + c] : 0.0f;
            }
    }
    return slices;
}

/* w = alpha' x (slices x LANE), or NULL when not centred. */
static double *alpha_times(const op *o, size_t slices)
{
    if (!o->beta) return NULL;
    double *w = rs_xcalloc(slices * LANE, sizeof *w);
    for (size_t s = 0; s < slices; s++)
        for (size_t r = 0; r < o->ns; r++)
            for (size_t l = 0; l < LANE; l++)
                w[s * LANE + l] += o->alpha[r] * o->xs[(s * o->ns + r) * LANE + l];
    return w;
}

/* y (ns x wp, row-major) = M M' x for columns [off, off + w) of x, or, with
 * x NULL, M W for the test matrix W of w columns. */
static void pass(op *o, const double *x, size_t ldx, size_t off, size_t w, double *y,
                 size_t wp)
{
    size_t slices = (w + LANE - 1) / LANE, ns = o->ns;
    double *wv = NULL;
    if (x) {
        load_slices(o, x, ldx, off, w);
        wv = alpha_times(o, slices);
    }
    job j = { .o = o, .kind = x ? TASK_GATHER : TASK_RANGE, .slices = slices, .l = w, .w = wv };
    run(&j, o->threads);
    j.kind = TASK_SCATTER;
    run(&j, o->threads);
    for (size_t r = 0; r < ns; r++) {
        double *yr = y + r * wp;
        memset(yr, 0, wp * sizeof *yr);
        for (size_t s = 0; s < slices; s++)
            for (size_t l = 0; l < LANE && s * LANE + l < w; l++)
                yr[s * LANE + l] = o->ys[(s * ns + r) * LANE + l];
    }
    if (o->beta) {
        /* M z = S' z - alpha (beta' z): the rank-1 half of the correction. */
        double *tt = rs_xcalloc(wp, sizeof *tt);
        for (size_t s = 0; s < slices; s++)
            for (uint32_t u = 0; u < o->nb; u++)
                for (size_t l = 0; l < LANE && s * LANE + l < w; l++)
                    tt[s * LANE + l] += o->beta[u] * o->zs[(s * o->nb + u) * LANE + l];
        cblas_dger(CblasRowMajor, (int)ns, (int)w, -1.0, o->alpha, 1, tt, 1, y, (int)wp);
        free(tt);
    }
    free(wv);
}

/* v (nb x k) = C u S^-1, for u (ns x k): the other side's vectors. */
static void pass_back(op *o, const double *u, size_t k, const double *scale, double *v)
{
    size_t slices = load_slices(o, u, k, 0, k);
    double *wv = alpha_times(o, slices);
    job j = { .o = o, .kind = TASK_GATHER, .slices = slices, .w = wv };
    run(&j, o->threads);
    for (uint32_t r = 0; r < o->nb; r++)
        for (size_t c = 0; c < k; c++)
            v[(size_t)r * k + c] = o->zs[((c / LANE) * o->nb + r) * LANE + c % LANE] * scale[c];
    free(wv);
}

/* Row bounds for the gather phase, the chunked copy of S for the scatter
 * phase, and the slice buffers for blocks of up to wp columns. */
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

    size_t want_chunks = (size_t)o->ns * LANE * sizeof(double) / CHUNK_BYTES + 1;
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
    uint32_t *gidx = sorted ? NULL : rs_xmalloc((s->nnz + 1) * sizeof *gidx);
    float *gval = sorted ? NULL : rs_xmalloc((s->nnz + 1) * sizeof *gval);
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
    o->slices = wp / LANE;
    o->xs = rs_xmalloc((o->slices * o->ns * LANE + 1) * sizeof *o->xs);
    o->ys = rs_xmalloc((o->slices * o->ns * LANE + 1) * sizeof *o->ys);
    o->zs = rs_xmalloc((o->slices * o->nb * LANE + 1) * sizeof *o->zs);
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
    free(o->xs);
    free(o->ys);
    free(o->zs);
}

static int lapack_fail(rs_err *e, const char *what, lapack_int info)
{
    return rs_errf(e, RS_EDATA, "svd: LAPACK %s failed (info %d)", what, (int)info);
}

/* Householder QR of the w columns at y (ld ldy): they become orthonormal. */
static int qr_inplace(double *y, size_t ns, size_t w, size_t ldy, double *tau, rs_err *e)
{
    if (!w) return 0;
    lapack_int info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, (lapack_int)ns, (lapack_int)w, y,
                                     (lapack_int)ldy, tau);
    if (info) return lapack_fail(e, "dgeqrf", info);
    info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, (lapack_int)ns, (lapack_int)w, (lapack_int)w, y,
                          (lapack_int)ldy, tau);
    return info ? lapack_fail(e, "dorgqr", info) : 0;
}

/* y -= K (K' y) for the w columns at y (ld ldy), K = the first nk columns
 * of k (ld ldk); c: nk x ldy scratch. */
static void project_out(const double *k, size_t ldk, size_t nk, double *y, size_t ns,
                        size_t w, size_t ldy, double *c)
{
    if (!nk || !w) return;
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)nk, (int)w, (int)ns, 1.0, k,
                (int)ldk, y, (int)ldy, 0.0, c, (int)ldy);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)ns, (int)w, (int)nk, -1.0, k,
                (int)ldk, c, (int)ldy, 1.0, y, (int)ldy);
}

/* The next block of the basis: y (ns x w, ld wp, already projected off K
 * twice) becomes wn orthonormal columns orthogonal to K (nk columns of kb).
 * A pivoted QR keeps the directions that are really new (|R_jj| above
 * rounding level against ynorm, the size of y before projecting); when
 * fewer than wn are (the Krylov space is exhausted, as for a matrix of low
 * rank), random directions, made orthogonal to everything, fill the rest. */
static int next_block(const double *kb, size_t ldk, size_t nk, double *y, size_t ns, size_t w,
                      size_t wn, size_t wp, double ynorm, uint64_t seed, int it, double *c,
                      double *tau, lapack_int *jpvt, rs_err *e)
{
    memset(jpvt, 0, w * sizeof *jpvt);
    lapack_int info = LAPACKE_dgeqp3(LAPACK_ROW_MAJOR, (lapack_int)ns, (lapack_int)w, y,
                                     (lapack_int)wp, jpvt, tau);
    if (info) return lapack_fail(e, "dgeqp3", info);
    size_t r = 0;
    while (r < wn && fabs(y[r * wp + r]) > 1e-10 * ynorm) r++;
    double rlast = r ? fabs(y[(r - 1) * wp + (r - 1)]) : 0;
    if (r) {
        info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, (lapack_int)ns, (lapack_int)r, (lapack_int)r, y,
                              (lapack_int)wp, tau);
        if (info) return lapack_fail(e, "dorgqr", info);
        if (rlast < 1e-3 * ynorm) {
            /* Much cancelled in projecting: orthogonality to K is only
             * rounding / |R_jj|; once more restores it. */
            project_out(kb, ldk, nk, y, ns, r, wp, c);
            if (qr_inplace(y, ns, r, wp, tau, e) < 0) return -1;
        }
    }
    if (r < wn) {
        rs_rng g;
        rs_rng_seed2(&g, seed, ~(uint64_t)it);
        for (size_t i = 0; i < ns; i++)
            for (size_t j = r; j < wn; j++) y[i * wp + j] = rs_rng_normal(&g);
        for (int pass = 0; pass < 2; pass++) {
            project_out(kb, ldk, nk, y + r, ns, wn - r, wp, c);
            project_out(y, wp, r, y + r, ns, wn - r, wp, c);
        }
        if (qr_inplace(y + r, ns, wn - r, wp, tau, e) < 0) return -1;
    }
    /* Zero the padding and the columns past wn, which later passes read. */
    for (size_t i = 0; i < ns; i++) memset(y + i * wp + wn, 0, (wp - wn) * sizeof *y);
    return 0;
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
    o->oversample = RS_SVD_OVERSAMPLE;
    o->power = RS_SVD_POWER;
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

/* Columns [off, off + w) of k and kr (ld ldk) = y's first w columns, and
 * those rounded to float values (see op). */
static void store_block(double *k, double *kr, size_t ldk, size_t off, const double *y,
                        size_t wp, size_t ns, size_t w)
{
    for (size_t r = 0; r < ns; r++)
        for (size_t c = 0; c < w; c++) {
            k[r * ldk + off + c] = y[r * wp + c];
            kr[r * ldk + off + c] = (float)y[r * wp + c];
        }
}

/* The Krylov iteration and Rayleigh-Ritz step on o; fills the small-side
 * vectors us (ns x k), big-side vb (nb x k) and sigma. */
static int krylov(op *o, const rs_svd_opts *opt, rs_svd *s, double *us, double *vb, rs_err *e)
{
    size_t ns = o->ns, nb = o->nb, k = (size_t)opt->k;
    /* Padding columns cost the passes nothing more: use them as oversampling. */
    size_t l = pad(k + (size_t)opt->oversample);
    if (l > ns) l = ns;
    size_t lmax = l * ((size_t)opt->power + 1);
    if (lmax > ns) lmax = ns;
    size_t wp = pad(l), ldk = lmax;
    size_t passes = 2 + (lmax + l - 1) / l;     /* first, one per block, last */
    double *kb = rs_xcalloc(ns * ldk, sizeof *kb);          /* the basis K */
    double *kr = rs_xcalloc(ns * ldk, sizeof *kr);          /* K rounded: Kr */
    double *g = rs_xcalloc(lmax * lmax, sizeof *g);         /* Kr' M M' Kr, upper */
    double *y = rs_xcalloc(ns * wp, sizeof *y);
    double *c = rs_xcalloc(lmax * wp, sizeof *c);
    double *tau = rs_xcalloc(wp, sizeof *tau);
    lapack_int *jpvt = rs_xcalloc(wp, sizeof *jpvt);
    double *lam = NULL, *gk = NULL, *bk = NULL, *xk = NULL, *up = NULL, *scale = NULL;
    int rc = -1;
    prepare(o, wp);

    double t0 = rs_now();
    pass(o, NULL, 0, 0, l, y, wp);
    if (qr_inplace(y, ns, l, wp, tau, e) < 0) goto out;
    store_block(kb, kr, ldk, 0, y, wp, ns, l);
    size_t nk = l, off = 0, w = l;    /* basis columns; current block's offset, width */
    s->passes = 1;
    if (opt->progress) rs_progress_update(opt->progress, 1, passes, "passes");
    double t1 = rs_now();
    s->t_range = t1 - t0;
    for (int it = 0;; it++) {
        pass(o, kr, ldk, off, w, y, wp);
        s->passes++;
        if (opt->progress) rs_progress_update(opt->progress, (uint64_t)s->passes, passes, "passes");
        /* Column block of G: Kr' (M M' Kr_it); also, as Kr is K to float
         * precision, the first projection, which the second one refines. */
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)nk, (int)w, (int)ns, 1.0, kr,
                    (int)ldk, y, (int)wp, 0.0, g + off, (int)lmax);
        if (it == opt->power || nk == lmax) break;
        double norm = 0;
        for (size_t j = 0; j < w; j++) norm = fmax(norm, cblas_dnrm2((int)ns, y + j, (int)wp));
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)ns, (int)w, (int)nk, -1.0,
                    kb, (int)ldk, g + off, (int)lmax, 1.0, y, (int)wp);
        project_out(kb, ldk, nk, y, ns, w, wp, c);      /* twice is enough */
        size_t wn = w < lmax - nk ? w : lmax - nk;
        if (next_block(kb, ldk, nk, y, ns, w, wn, wp, norm, opt->seed, it, c, tau, jpvt, e) < 0)
            goto out;
        store_block(kb, kr, ldk, nk, y, wp, ns, wn);
        off = nk;
        w = wn;
        nk += wn;
    }
    double t2 = rs_now();
    s->t_power = t2 - t1;

    /* Rayleigh-Ritz: Kr'MM'Kr y = s^2 Kr'Kr y; Kr'Kr is I up to the rounding. */
    lam = rs_xcalloc(nk, sizeof *lam);
    gk = rs_xcalloc(nk * nk, sizeof *gk);
    bk = rs_xcalloc(nk * nk, sizeof *bk);
    copy_cols(gk, nk, g, lmax, nk, nk);
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)nk, (int)ns, 1.0, kr, (int)ldk, 0.0,
                bk, (int)nk);
    lapack_int info = LAPACKE_dsygvd(LAPACK_ROW_MAJOR, 1, 'V', 'U', (lapack_int)nk, gk,
                                     (lapack_int)nk, bk, (lapack_int)nk, lam);
    if (info) {
        lapack_fail(e, "dsygvd", info);
        goto out;
    }
    size_t kp = pad(k);
    xk = rs_xcalloc(nk * k, sizeof *xk);
    for (size_t r = 0; r < nk; r++)
        for (size_t j = 0; j < k; j++) xk[r * k + j] = gk[r * nk + (nk - 1 - j)];
    for (size_t j = 0; j < k; j++) s->sigma[j] = sqrt(fmax(lam[nk - 1 - j], 0.0));
    up = rs_xcalloc(ns * k, sizeof *up);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)ns, (int)k, (int)nk, 1.0, kr,
                (int)ldk, xk, (int)k, 0.0, up, (int)k);
    /* Directions with no singular value to speak of get no V (it would be
     * rounding noise divided by nothing); they add nothing to U S V'. */
    scale = rs_xcalloc(kp, sizeof *scale);
    for (size_t j = 0; j < k; j++)
        scale[j] = s->sigma[j] > 1e-13 * s->sigma[0] ? 1.0 / s->sigma[j] : 0.0;
    pass_back(o, up, k, scale, vb);
    s->passes++;
    memcpy(us, up, ns * k * sizeof *us);
    s->basis = (int)nk;
    s->t_small = rs_now() - t2;
    rc = 0;
out:
    free(lam);
    free(gk);
    free(bk);
    free(xk);
    free(up);
    free(scale);
    free(kb);
    free(kr);
    free(g);
    free(y);
    free(c);
    free(tau);
    free(jpvt);
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
    if (opt->oversample < 0 || opt->power < 0 || opt->threads < 1 ||
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
    snprintf(buf, sizeof buf, "%d", o->oversample);
    rs_meta_set(b, "oversample", buf);
    snprintf(buf, sizeof buf, "%d", o->power);
    rs_meta_set(b, "power", buf);
    snprintf(buf, sizeof buf, "%.17g", s->global_bias);
    rs_meta_set(b, "global_bias", buf);
}
