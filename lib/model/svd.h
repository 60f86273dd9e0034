/* svd.h: truncated SVD of a sparse matrix, A ~ U S V', top k triplets.
 *
 * Method: the randomized range finder of Halko, Martinsson and Tropp with
 * power iterations, keeping every iterate: a randomized block Krylov method
 * (block Lanczos with full re-orthogonalization).  On M, the orientation of
 * A whose rows are the smaller side, with blocks of b columns:
 *
 *   Q0 = qr(M W), W a seeded Gaussian test matrix (b columns);
 *   Qi = qr((I - K K') M M' Q(i-1)), K = [Q0 .. Q(i-1)], projected twice;
 *   after each step, Rayleigh-Ritz on K = [Q0 .. Qi]: the eigenpairs
 *   (s^2, y) of K'MM'K; stop when the top k values s change by less than
 *   tol (relative), or after `power` steps; then U_M = K y, V_M = M'U_M/s.
 *
 * Small blocks and many steps converge fastest for the work (each step is
 * one pass over the nonzeros, whose cost grows with b): for k = 50, b = 16
 * reaches 1e-9 in 13 to 16 steps on MovieLens-like matrices.  The passes
 * are threaded and their result does not depend on the number of threads.
 * Dense work is OpenBLAS (one thread) and LAPACKE in double precision.
 *
 * Centring subtracts a rank-1 matrix c d' from A without ever forming the
 * dense result: (A - c d') X = A X - c (d' X) inside each product.  Means
 * are over all entries of the dense matrix, zeros included (numpy's
 * R.mean(), R.mean(axis=1), R.mean(axis=0) on the dense pivot table), and
 * subtracted from all entries, missing ones too:
 *   global: A - g,  g = sum(A) / (rows cols)      -> global_bias g
 *   user:   A - mu 1',  mu[u] = sum(A[u,:]) / cols -> user_bias mu
 *   item:   A - 1 nu',  nu[i] = sum(A[:,i]) / rows -> item_bias nu
 * so U S V' + biases approximates A itself.
 *
 * Signs are fixed so that the entry of largest magnitude in each column of
 * V is positive; singular values of 0 get V columns of 0. */
#ifndef RS_SVD_H
#define RS_SVD_H
#include <stdint.h>
#include "format/csr.h"
#include "common/err.h"
#include "format/bundle.h"
#include "common/progress.h"

enum rs_svd_center { RS_CENTER_NONE, RS_CENTER_GLOBAL, RS_CENTER_USER, RS_CENTER_ITEM };

typedef struct rs_svd_opts {
    int k;                  /* triplets wanted, 1..min(rows, cols) */
    int block;              /* columns per block (rounded up to a multiple
                               of 8); 0: 16, or k/16 when that is more */
    int power;              /* at most this many power iterations, >= 0 */
    double tol;             /* converged when the top k singular values change
                               by less than this, relative; 0: run `power` */
    uint64_t seed;
    int center;             /* enum rs_svd_center */
    int threads;            /* >= 1, for the passes; the caller sets
                               rs_blas_threads(1) (see svd.c) */
    rs_progress *progress;  /* or NULL */
} rs_svd_opts;

#define RS_SVD_K 50
#define RS_SVD_BLOCK 0
#define RS_SVD_BLOCK_MIN 16
#define RS_SVD_POWER 100
#define RS_SVD_TOL 1e-8
#define RS_SVD_SEED 42

typedef struct rs_svd {
    uint32_t rows, cols;
    int k;
    double *sigma;          /* k, non-increasing */
    double *u;              /* rows x k, row-major, orthonormal columns */
    double *v;              /* cols x k, row-major */
    double global_bias;
    double *user_bias;      /* rows, or NULL */
    double *item_bias;      /* cols, or NULL */
    int basis;              /* columns of the Krylov basis */
    int passes;             /* passes over the nonzeros */
    int iterations;         /* power iterations done */
    int converged;          /* 0: stopped by `power` before the test of tol
                               was met (never with tol 0, nor when the basis
                               spans the smaller side: exact) */
    double change;          /* the last relative change of the top k */
    double t_range, t_power, t_small;   /* seconds: first pass + QR, the
                                           power steps, eigenproblem + U, V */
} rs_svd;

void rs_svd_defaults(rs_svd_opts *o);
/* "none" | "global" | "user" | "item" -> enum, or -1. */
int rs_svd_center_parse(const char *s);
const char *rs_svd_center_name(int center);

/* The top o->k singular triplets of a (duplicates in a row add up, as in
 * any sparse format).  k beyond min(rows, cols) is an RS_EUSAGE error. */
int rs_svd_compute(const rs_csr *a, const rs_svd_opts *o, rs_svd *s, rs_err *e);
void rs_svd_free(rs_svd *s);

/* Store s as an rs-svd model in b (scorer.h): user_factors = U sqrt(S),
 * item_factors = V sqrt(S) (F32), sigma, the biases of the centring, and
 * meta model=svd, k, center, seed, block, power, tol, global_bias.  The
 * blocks and meta entries of an earlier model in b are removed (meta keeps
 * only the matrix's kind= and columns=). */
void rs_svd_put(const rs_svd *s, const rs_svd_opts *o, rs_bundle *b);

#endif
