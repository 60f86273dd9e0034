#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>
#include "common/parallel.h"
#include "model/mf_als.h"
#include "model/diverge.h"
#include "common/rng.h"

/* Rows gathered per SYRK in the Cholesky solver. */
#define GATHER 256
/* Rows per grab from the shared counter. */
#define CHUNK 16
/* Entries of a row gathered at a time by the CG solver (a 64-factor block
 * of 16 MB: rows up to this long, nearly all, are gathered just once). */
#define CG_BLOCK 65536

void rs_als_defaults(rs_als_opts *o)
{
    memset(o, 0, sizeof *o);
    o->k = 50;
    o->iterations = RS_ALS_ITERATIONS;
    o->reg = RS_ALS_REG;
    o->alpha = RS_ALS_ALPHA;
    o->solver = RS_ALS_CG;
    o->cg_steps = RS_ALS_CG_STEPS;
    o->unobserved = RS_ALS_UNOBSERVED;
    o->reg_exponent = RS_ALS_REG_EXPONENT;
    o->seed = 42;
    o->threads = 1;
}

int rs_als_solver_parse(const char *s)
{
    if (!strcmp(s, "cg")) return RS_ALS_CG;
    if (!strcmp(s, "cholesky")) return RS_ALS_CHOLESKY;
    return -1;
}

const char *rs_als_solver_name(int solver)
{
    return solver == RS_ALS_CHOLESKY ? "cholesky" : "cg";
}

/* y += a x, 4 at a time (mf.h). */
static inline void axpy(float *restrict y, const float *restrict x, float a, int k)
{
    int f = 0;
    for (; f + 4 <= k; f += 4) rs_mf_st(y + f, rs_mf_ld(y + f) + a * rs_mf_ld(x + f));
    for (; f < k; f++) y[f] += a * x[f];
}

/* out += Yg' h(Yg v) over the row's entries, Yg the rows of Y they name:
 * h(d) = c p - (c - 1) d for the residual, (c - 1) d for a CG step.  The
 * rows are gathered into one block (at most CG_BLOCK at a time), so that
 * the two products are BLAS-2 calls over contiguous memory instead of
 * loops over rows scattered through Y.  A row of up to CG_BLOCK entries is
 * gathered once for all its passes (gathered != 0). */
static void pass(const float *Y, int k, const uint32_t *idx, const float *val, uint64_t n,
                 float alpha, const float *v, float *out, int residual, float *Yg, float *d,
                 int gathered)
{
    for (uint64_t t0 = 0; t0 < n; t0 += CG_BLOCK) {
        uint64_t m = n - t0 < CG_BLOCK ? n - t0 : CG_BLOCK;
        if (!gathered)
            for (uint64_t t = 0; t < m; t++)
                memcpy(Yg + t * k, Y + (size_t)idx[t0 + t] * k, (size_t)k * sizeof *Yg);
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)m, k, 1.0f, Yg, k, v, 1, 0.0f, d, 1);
        for (uint64_t t = 0; t < m; t++) {
            float r = val[t0 + t], c1 = alpha * fabsf(r);
            d[t] = residual ? (r > 0 ? 1 + c1 : 0) - c1 * d[t] : c1 * d[t];
        }
        cblas_sgemv(CblasRowMajor, CblasTrans, (int)m, k, 1.0f, Yg, k, d, 1, 1.0f, out, 1);
    }
}

static int solve_cg(const float *Y, int k, const float *G, const uint32_t *idx,
                    const float *val, uint64_t n, float alpha, float lam, int steps, float *x,
                    float *s)
{
    float *r = s, *p = s + k, *Ap = s + 2 * k, *d = s + 3 * k, *Yg = d + CG_BLOCK;
    int once = n <= CG_BLOCK;
    if (once)
        for (uint64_t t = 0; t < n; t++)
            memcpy(Yg + t * k, Y + (size_t)idx[t] * k, (size_t)k * sizeof *Yg);
    /* r = b - A x = Yg' (c p - (c - 1) Yg x) - G x */
    cblas_ssymv(CblasRowMajor, CblasUpper, k, -1.0f, G, k, x, 1, 0.0f, r, 1);
    if (lam != 0) axpy(r, x, -lam, k);
    pass(Y, k, idx, val, n, alpha, x, r, 1, Yg, d, once);
    memcpy(p, r, (size_t)k * sizeof *p);
    float rsold = rs_mf_dot(r, r, k);
    if (rsold < 1e-20f) return 0;
    for (int it = 0; it < steps; it++) {
        /* Ap = G p + Yg' ((c - 1) Yg p) */
        cblas_ssymv(CblasRowMajor, CblasUpper, k, 1.0f, G, k, p, 1, 0.0f, Ap, 1);
        if (lam != 0) axpy(Ap, p, lam, k);
        if (alpha != 0) pass(Y, k, idx, val, n, alpha, p, Ap, 0, Yg, d, once);
        float pAp = rs_mf_dot(p, Ap, k);
        if (!(pAp > 0)) break;      /* p = 0 or a singular system: nothing to gain */
        float a = rsold / pAp;
        axpy(x, p, a, k);
        axpy(r, Ap, -a, k);
        float rsnew = rs_mf_dot(r, r, k);
        if (rsnew < 1e-20f) break;
        float beta = rsnew / rsold;
        for (int f = 0; f < k; f++) p[f] = r[f] + beta * p[f];
        rsold = rsnew;
    }
    return 0;
}

static int solve_cholesky(const float *Y, int k, const float *G, const uint32_t *idx,
                          const float *val, uint64_t n, float alpha, float lam, float *x,
                          float *s)
{
    float *A = s, *buf = s + (size_t)k * k;
    memcpy(A, G, (size_t)k * k * sizeof *A);
    if (lam != 0)
        for (int f = 0; f < k; f++) A[(size_t)f * k + f] += lam;
    memset(x, 0, (size_t)k * sizeof *x);
    int nb = 0;
    for (uint64_t t = 0; t < n; t++) {
        const float *y = Y + (size_t)idx[t] * k;
        float v = val[t], c = 1 + alpha * fabsf(v);
        if (v > 0) axpy(x, y, c, k);
        if (c == 1) continue;
        float w = sqrtf(c - 1);
        float *row = buf + (size_t)nb * k;
        for (int f = 0; f < k; f++) row[f] = w * y[f];
        if (++nb == GATHER) {
            cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, k, nb, 1.0f, buf, k, 1.0f, A, k);
            nb = 0;
        }
    }
    if (nb) cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, k, nb, 1.0f, buf, k, 1.0f, A, k);
    return LAPACKE_sposv(LAPACK_ROW_MAJOR, 'U', k, 1, A, k, x, 1) == 0 ? 0 : -1;
}

int rs_als_solve_row_lam(const float *Y, int k, const float *G, const uint32_t *idx,
                         const float *val, uint64_t n, double alpha, double lam, int solver,
                         int cg_steps, float *x, float *scratch)
{
    if (n == 0) {
        memset(x, 0, (size_t)k * sizeof *x);
        return 0;
    }
    if (solver == RS_ALS_CHOLESKY)
        return solve_cholesky(Y, k, G, idx, val, n, (float)alpha, (float)lam, x, scratch);
    return solve_cg(Y, k, G, idx, val, n, (float)alpha, (float)lam, cg_steps, x, scratch);
}

int rs_als_solve_row(const float *Y, int k, const float *G, const uint32_t *idx,
                     const float *val, uint64_t n, double alpha, int solver, int cg_steps,
                     float *x, float *scratch)
{
    return rs_als_solve_row_lam(Y, k, G, idx, val, n, alpha, 0, solver, cg_steps, x, scratch);
}

double rs_als_row_reg(double reg, double unobserved, double exponent, uint64_t n,
                      uint64_t others)
{
    if (exponent == 0) return reg;
    return reg * pow((double)n + unobserved * (double)others, exponent);
}

typedef struct half {
    const rs_als_opts *o;
    const rs_csr *rows;     /* the side being solved */
    float *X;               /* its factors */
    const float *Y, *G;     /* the fixed side, alpha0 Y'Y (+ reg I when constant) */
    uint32_t ny;            /* rows of Y */
    int k;
    uint64_t maxrow;        /* the longest row */
    atomic_size_t next;
    atomic_size_t failed;   /* 1 + the first singular row seen, or 0 */
} half;

size_t rs_als_scratch(int k, uint64_t n, int solver)
{
    if (solver == RS_ALS_CHOLESKY) return (size_t)k * k + (size_t)GATHER * k;
    uint64_t m = n < CG_BLOCK ? n : CG_BLOCK;
    return 3 * (size_t)k + CG_BLOCK + (size_t)m * k;
}

static int half_worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    half *H = arg;
    const int k = H->k;
    float *scratch = rs_xmalloc(rs_als_scratch(k, H->maxrow, H->o->solver) * sizeof *scratch);
    for (;;) {
        size_t r0 = atomic_fetch_add(&H->next, CHUNK);
        if (r0 >= H->rows->rows) break;
        size_t r1 = r0 + CHUNK < H->rows->rows ? r0 + CHUNK : H->rows->rows;
        for (size_t r = r0; r < r1; r++) {
            uint64_t a = H->rows->indptr[r], b = H->rows->indptr[r + 1];
            /* G holds the constant penalty; a frequency-scaled one is the row's. */
            const rs_als_opts *o = H->o;
            double lam = o->reg_exponent == 0 ? 0
                       : rs_als_row_reg(o->reg, o->unobserved, o->reg_exponent, b - a, H->ny);
            if (rs_als_solve_row_lam(H->Y, k, H->G, H->rows->indices + a, H->rows->values + a,
                                     b - a, o->alpha, lam, o->solver, o->cg_steps,
                                     H->X + r * k, scratch) < 0) {
                size_t none = 0;
                atomic_compare_exchange_strong(&H->failed, &none, r + 1);
            }
        }
    }
    free(scratch);
    return 0;
}

/* G = w Y'Y + reg I, full, on all of BLAS's threads. */
static void gram(const float *Y, uint32_t n, int k, double w, double reg, float *G)
{
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, k, (int)n, (float)w, Y, k, 0.0f, G, k);
    for (int a = 0; a < k; a++) {
        G[(size_t)a * k + a] += (float)reg;
        for (int b = 0; b < a; b++) G[(size_t)a * k + b] = G[(size_t)b * k + a];
    }
}

int rs_als_solve_side(const rs_als_opts *o, const rs_csr *rows, float *X, const float *Y,
                      uint32_t ny, float *G, const char *what, rs_err *e)
{
    gram(Y, ny, o->k, o->unobserved, o->reg_exponent == 0 ? o->reg : 0, G);
    half H = { .o = o, .rows = rows, .X = X, .Y = Y, .G = G, .ny = ny, .k = o->k };
    for (uint32_t r = 0; r < rows->rows; r++)
        if (rows->indptr[r + 1] - rows->indptr[r] > H.maxrow) H.maxrow = rows->indptr[r + 1] - rows->indptr[r];
    atomic_store(&H.next, 0);
    atomic_store(&H.failed, 0);
    if (rs_parallel_for(o->threads, (size_t)o->threads, half_worker, &H, e) < 0) return -1;
    size_t bad = atomic_load(&H.failed);
    if (bad)
        return rs_errf(e, RS_EDATA, "ALS: the system of %s %zu is singular (use --reg > 0)", what,
                       bad - 1);
    return 0;
}

static int check(const rs_csr *a, const rs_als_opts *o, rs_err *e)
{
    if (o->iterations < 0) return rs_errf(e, RS_EUSAGE, "--iterations must be >= 0");
    if (!(o->reg >= 0)) return rs_errf(e, RS_EUSAGE, "--reg must be >= 0");
    if (!(o->alpha >= 0) || !isfinite(o->alpha)) return rs_errf(e, RS_EUSAGE, "--alpha must be >= 0");
    if (o->solver != RS_ALS_CG && o->solver != RS_ALS_CHOLESKY)
        return rs_errf(e, RS_EUSAGE, "--solver must be cg or cholesky");
    if (o->cg_steps < 1) return rs_errf(e, RS_EUSAGE, "--cg-steps must be >= 1");
    if (!(o->unobserved >= 0) || !isfinite(o->unobserved))
        return rs_errf(e, RS_EUSAGE, "--unobserved-weight must be >= 0");
    if (!(o->reg_exponent >= 0) || !(o->reg_exponent <= 10))
        return rs_errf(e, RS_EUSAGE, "--reg-exponent must be in [0, 10]");
    if (o->threads < 1) return rs_errf(e, RS_EUSAGE, "threads must be >= 1");
    return rs_mf_check(a, o->k, e);
}

/* Confidences too large for single precision, or a penalty too small for
 * the solves, leave NaN/inf behind: stop at the iteration it happened. */
int rs_als_finite_after(const rs_mf *m, const rs_als_opts *o, int it, rs_err *e)
{
    char step[32], hint[256];
    snprintf(step, sizeof step, "iteration %d", it);
    snprintf(hint, sizeof hint, "the confidence weight (--alpha %g) is too large for these values, "
             "or the regularization (--reg %g) too weak; try --reg 0.1 or a smaller --alpha",
             o->alpha, o->reg);
    size_t k = (size_t)m->k;
    if (rs_diverged_f32("ALS", step, "a user factor", m->P, m->users * k, k, hint, e) < 0 ||
        rs_diverged_f32("ALS", step, "an item factor", m->Q, m->items * k, k, hint, e) < 0)
        return -1;
    return 0;
}

int rs_als_fit(const rs_csr *a, const rs_als_opts *o, rs_mf *m, rs_err *e)
{
    if (check(a, o, e) < 0) return -1;
    const int k = o->k;
    rs_mf_alloc(m, a->rows, a->cols, k, 0, 0);
    rs_rng rng;
    rs_rng_seed(&rng, o->seed);
    for (size_t x = 0; x < (size_t)a->rows * k; x++) m->P[x] = (float)(0.01 * rs_rng_double(&rng));
    for (size_t x = 0; x < (size_t)a->cols * k; x++) m->Q[x] = (float)(0.01 * rs_rng_double(&rng));
    /* The items' side; timestamps would only cost the copy time. */
    rs_csr view = *a, t;
    view.times = NULL;
    rs_csr_transpose(&view, &t);
    float *G = rs_xmalloc((size_t)k * k * sizeof *G);
    int rc = 0, it, stop = 0;
    rs_early early;
    rs_early_init(&early, o->validate ? o->patience : 0, 1);
    rs_early_track(&early, m->P, (size_t)a->rows * k);
    rs_early_track(&early, m->Q, (size_t)a->cols * k);
    rs_mf_view view_m = { a->rows, a->cols, k, (size_t)k, m->P, m->Q, NULL, NULL, 0 };
    for (it = 1; it <= o->iterations && rc == 0 && !stop; it++) {
        double t0 = rs_now();
        rc = rs_als_solve_side(o, &t, m->Q, m->P, a->rows, G, "item", e);
        if (rc == 0) rc = rs_als_solve_side(o, a, m->P, m->Q, a->cols, G, "user", e);
        if (rc == 0) rc = rs_als_finite_after(m, o, it, e);
        if (rc == 0 && o->iteration_done) o->iteration_done(o->ctx, it, rs_now() - t0);
        if (rc == 0 && o->validate) stop = rs_early_update(&early, it, o->validate(o->vctx, it, &view_m));
        if (o->progress) rs_progress_update(o->progress, (uint64_t)it, (uint64_t)o->iterations, "iterations");
    }
    if (rc == 0 && o->best_iteration) *o->best_iteration = rs_early_restore(&early, it - 1);
    rs_early_free(&early);
    free(G);
    rs_csr_free(&t);
    if (rc < 0) rs_mf_free(m);
    return rc;
}

void rs_als_put(rs_mf *m, const rs_als_opts *o, rs_bundle *b)
{
    rs_mf_put(m, "als", b);
    rs_mf_meta_double(b, "alpha", o->alpha);
    rs_mf_meta_double(b, "reg", o->reg);
    rs_mf_meta_u64(b, "iterations", (uint64_t)o->iterations);
    rs_meta_set(b, "solver", rs_als_solver_name(o->solver));
    rs_mf_meta_u64(b, "cg_steps", (uint64_t)o->cg_steps);
    rs_mf_meta_u64(b, "seed", o->seed);
    if (o->unobserved != RS_ALS_UNOBSERVED) rs_mf_meta_double(b, "unobserved_weight", o->unobserved);
    if (o->reg_exponent != RS_ALS_REG_EXPONENT) rs_mf_meta_double(b, "reg_exponent", o->reg_exponent);
}
