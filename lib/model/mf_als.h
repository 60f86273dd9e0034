/* mf_als.h: alternating least squares for implicit feedback (Hu, Koren,
 * Volinsky, "Collaborative Filtering for Implicit Feedback Datasets", 2008).
 *
 * Every entry r of the matrix is an observation with preference p = 1 (0
 * when r <= 0) and confidence c = 1 + alpha |r|; every missing entry has
 * p = 0, c = 1.  The model minimizes
 *   sum over ALL (u, i) of c (p - P[u].Q[i])^2 + reg (sum |P[u]|^2 + sum |Q[i]|^2)
 * by solving for all item rows with P fixed, then all user rows with Q
 * fixed, per iteration (items first, so the user factors written are the
 * solutions for the item factors written).  With Y the fixed side and
 * G = Y'Y + reg I (one SYRK per half-iteration), row u solves
 *   (G + sum_i (c_ui - 1) y_i y_i') x = sum_i c_ui p_ui y_i
 * over its own entries only.  Solvers:
 *   cg:       conjugate gradient from the row's previous value, cg_steps
 *             steps, never forming the matrix (Takacs, Pilaszy, Tikk 2011;
 *             what the `implicit` library does, 3 steps by default);
 *   cholesky: the exact solution: the matrix formed with SYRK over the
 *             row's factors scaled by sqrt(c - 1), then LAPACKE_sposv.
 * Rows are solved in parallel on o->threads threads (each row's result is
 * independent of the split, so the output is the same for any thread
 * count); the caller keeps rs_blas_threads(threads) for the SYRKs, and
 * rs_parallel_for keeps BLAS on one thread while the row solvers run.  Factors start
 * uniform in [0, 0.01) from the seed, as in `implicit`.
 *
 * Two options of iALS as Rendle, Krichene, Zhang, Koren ("Revisiting the
 * performance of iALS on item recommendation benchmarks", 2022) tune it:
 *   unobserved (their alpha0): the weight of the all-pairs term, so the
 *     Gram matrix is alpha0 Y'Y and the objective
 *       alpha0 sum over ALL (u, i) of (P[u].Q[i])^2
 *       + sum over the entries of ((c - 1) (P[u].Q[i])^2 - 2 c p P[u].Q[i])
 *       + the penalty;
 *     alpha0 = 1 is Hu et al.'s model above.  For binary data (c = 1 + alpha
 *     on every entry) this is, up to a constant and a scale of the
 *     scores, Rendle et al.'s objective with their alpha0 = unobserved /
 *     alpha and their lambda = reg / (1 + alpha): at alpha = 1 their
 *     alpha0 is ours, their lambda half of ours.
 *   reg_exponent (their nu): row r's penalty is
 *       reg (n_r + alpha0 N)^nu
 *     with n_r its number of entries and N the number of rows of the
 *     other side (items for a user, users for an item); nu = 0 is the
 *     constant reg.
 * With unobserved = 1 and reg_exponent = 0 the arithmetic is the plain
 * model's, bit for bit. */
#ifndef RS_MF_ALS_H
#define RS_MF_ALS_H
#include <stdint.h>
#include "format/csr.h"
#include "common/err.h"
#include "format/bundle.h"
#include "model/mf.h"
#include "model/early.h"
#include "common/progress.h"

enum rs_als_solver { RS_ALS_CG, RS_ALS_CHOLESKY };

typedef struct rs_als_opts {
    int k;                  /* factors, 1..min(users, items) */
    int iterations;         /* >= 0 */
    double reg;             /* >= 0 (> 0 needed when a row's system is singular) */
    double alpha;           /* >= 0 */
    double unobserved;      /* >= 0: alpha0, the all-pairs weight (1: Hu et al.) */
    double reg_exponent;    /* >= 0: nu, the penalty's frequency exponent */
    int solver;             /* enum rs_als_solver */
    int cg_steps;           /* >= 1 */
    uint64_t seed;
    int threads;            /* >= 1 */
    rs_progress *progress;  /* or NULL */
    /* Optional report after each iteration (1-based). */
    void (*iteration_done)(void *ctx, int iteration, double seconds);
    void *ctx;
    /* Early stopping (model/early.h): when validate is set, its metric
     * (larger is better) after each iteration; stop after patience
     * iterations without a better one (0: never) and keep the best
     * iteration's factors; *best_iteration (when not NULL) says which. */
    rs_validate_fn validate;
    void *vctx;
    int patience;
    int *best_iteration;
} rs_als_opts;

/* `implicit`'s defaults, but for k (50 like every rs-svd model). */
#define RS_ALS_ITERATIONS 15
#define RS_ALS_REG 0.01
#define RS_ALS_ALPHA 1.0
#define RS_ALS_CG_STEPS 3
#define RS_ALS_UNOBSERVED 1.0
#define RS_ALS_REG_EXPONENT 0.0

void rs_als_defaults(rs_als_opts *o);
/* "cg" | "cholesky" -> enum, or -1. */
int rs_als_solver_parse(const char *s);
const char *rs_als_solver_name(int solver);

int rs_als_fit(const rs_csr *a, const rs_als_opts *o, rs_mf *m, rs_err *e);
/* rs_mf_put as model=als, plus alpha and reg (the fold-in solves the
 * same weighted least squares), iterations, solver, cg_steps, seed, and
 * unobserved_weight and reg_exponent where they are not the defaults (so a
 * default model is what it was before them). */
void rs_als_put(rs_mf *m, const rs_als_opts *o, rs_bundle *b);

/* One row's solve, exposed for the tests: x (k) from the row's n entries
 * (indices into Y [rows x k], values r), given G = Y'Y + reg I (k x k,
 * full).  cg: x holds the starting point.  scratch holds
 * rs_als_scratch(k, n, solver) floats.  Returns -1 when the Cholesky
 * factorization fails (a singular system). */
size_t rs_als_scratch(int k, uint64_t n, int solver);
int rs_als_solve_row(const float *Y, int k, const float *G, const uint32_t *idx,
                     const float *val, uint64_t n, double alpha, int solver, int cg_steps,
                     float *x, float *scratch);
/* The same with lam I added to G (the row's own penalty, when G holds
 * none); lam = 0 is rs_als_solve_row. */
int rs_als_solve_row_lam(const float *Y, int k, const float *G, const uint32_t *idx,
                         const float *val, uint64_t n, double alpha, double lam, int solver,
                         int cg_steps, float *x, float *scratch);
/* A row's penalty: reg (n + unobserved others)^exponent for a row of n
 * entries, others the rows of the other side; reg when exponent is 0. */
double rs_als_row_reg(double reg, double unobserved, double exponent, uint64_t n,
                      uint64_t others);

/* One half-iteration: G = the Gram of Y (ny rows) with the constant
 * penalty, then every row of rows solved into X (row r at X + r k) on
 * o->threads threads.  what ("user", "item") names a singular row, by its
 * index in rows.  rs-svd-mpi calls it on a rank's share of the rows. */
int rs_als_solve_side(const rs_als_opts *o, const rs_csr *rows, float *X, const float *Y,
                      uint32_t ny, float *G, const char *what, rs_err *e);
/* 0 when m's factors are finite after iteration it, else -1 with e =
 * "ALS diverged at iteration IT (...): HINT" (rs_als_fit's check, for
 * trainers of the same model elsewhere: rs-svd-mpi). */
int rs_als_finite_after(const rs_mf *m, const rs_als_opts *o, int it, rs_err *e);

#endif
