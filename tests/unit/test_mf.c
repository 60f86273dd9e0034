/* lib/model/mf_funk, mf_als, mf_bpr, mf_foldin: small cases checked by hand or
 * against a closed form computed here, determinism, and the fold-in of
 * each model through the scorer. */
#include <lapacke.h>
#include <math.h>
#include <stdint.h>
#include "format/csr.h"
#include "format/bundle.h"
#include "model/mf.h"
#include "model/mf_als.h"
#include "model/mf_bpr.h"
#include "model/mf_funk.h"
#include "common/rng.h"
#include "score/scorer.h"
#include "tap.h"

/* A rows x cols CSR from a dense matrix (entries where mask != 0). */
static void from_dense(rs_csr *m, uint32_t rows, uint32_t cols, const double *a, const int *mask)
{
    memset(m, 0, sizeof *m);
    m->rows = rows;
    m->cols = cols;
    m->owned = 1;
    m->indptr = rs_xcalloc((size_t)rows + 1, sizeof *m->indptr);
    m->indices = rs_xmalloc((size_t)rows * cols * sizeof *m->indices + 4);
    m->values = rs_xmalloc((size_t)rows * cols * sizeof *m->values + 4);
    size_t n = 0;
    for (uint32_t u = 0; u < rows; u++) {
        for (uint32_t i = 0; i < cols; i++) {
            if (mask && !mask[(size_t)u * cols + i]) continue;
            m->indices[n] = i;
            m->values[n++] = (float)a[(size_t)u * cols + i];
        }
        m->indptr[u + 1] = n;
    }
    m->nnz = n;
}

/* A planted implicit matrix: users and items in g groups; a user has
 * about density of her group's items and a few others. */
static void planted(rs_csr *m, uint32_t rows, uint32_t cols, int g, double density, uint64_t seed)
{
    rs_rng r;
    rs_rng_seed(&r, seed);
    double *a = rs_xcalloc((size_t)rows * cols, sizeof *a);
    int *mask = rs_xcalloc((size_t)rows * cols, sizeof *mask);
    for (uint32_t u = 0; u < rows; u++)
        for (uint32_t i = 0; i < cols; i++) {
            double p = (int)(u % g) == (int)(i % g) ? density : 0.02;
            if (rs_rng_double(&r) < p) {
                a[(size_t)u * cols + i] = 1;
                mask[(size_t)u * cols + i] = 1;
            }
        }
    from_dense(m, rows, cols, a, mask);
    free(a);
    free(mask);
}

static double model_rmse(const rs_mf *m, const rs_csr *a)
{
    double s = 0;
    for (uint32_t u = 0; u < a->rows; u++)
        for (uint64_t x = a->indptr[u]; x < a->indptr[u + 1]; x++) {
            uint32_t i = a->indices[x];
            double p = m->g + (m->bu ? m->bu[u] : 0) + (m->bi ? m->bi[i] : 0);
            for (int f = 0; f < m->k; f++) p += (double)m->P[(size_t)u * m->k + f] * m->Q[(size_t)i * m->k + f];
            s += (p - a->values[x]) * (p - a->values[x]);
        }
    return sqrt(s / (double)a->nnz);
}

static int same_floats(const float *a, const float *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

static void test_funk_rank1(tap *t)
{
    /* r = 3 + a_u b_i: biases plus one factor represent it exactly, so
     * SGD without regularization must fit it to (nearly) zero error. */
    enum { R = 20, C = 15 };
    double a[R * C];
    for (int u = 0; u < R; u++)
        for (int i = 0; i < C; i++) a[u * C + i] = 3 + (0.5 + 0.1 * u) * (1.0 - 0.12 * i);
    rs_csr m;
    from_dense(&m, R, C, a, NULL);
    rs_funk_opts o;
    rs_funk_defaults(&o);
    o.k = 1;
    o.epochs = 3000;
    o.lr = o.lr_bias = 0.01;
    o.reg = o.reg_bias = 0;
    rs_mf mf;
    rs_err e = { 0 };
    OK(t, rs_funk_fit(&m, &o, &mf, &e) == 0, "funk fits a rank-1 matrix: %s", e.msg);
    double rmse = model_rmse(&mf, &m);
    OK(t, rmse < 1e-3, "rank-1 matrix fitted to near-zero error (RMSE %g)", rmse);
    double mean = 0;
    for (int x = 0; x < R * C; x++) mean += a[x] / (R * C);
    NEAR(t, mf.g, mean, 1e-6, "global bias is the mean rating (%g)", mf.g);
    rs_mf_free(&mf);

    /* -j 1 twice: the same bytes; more threads still fit. */
    o.epochs = 50;
    rs_mf m1, m2;
    rs_funk_fit(&m, &o, &m1, &e);
    rs_funk_fit(&m, &o, &m2, &e);
    OK(t, same_floats(m1.P, m2.P, R) && same_floats(m1.Q, m2.Q, C) && same_floats(m1.bu, m2.bu, R) &&
          same_floats(m1.bi, m2.bi, C), "funk with one thread is deterministic");
    rs_mf_free(&m2);
    o.threads = 3;
    o.epochs = 3000;
    int rc = rs_funk_fit(&m, &o, &m2, &e);
    rmse = rc == 0 ? model_rmse(&m2, &m) : NAN;
    OK(t, rc == 0 && rmse < 1e-3, "funk with 3 threads fits too (RMSE %g)", rmse);
    rs_mf_free(&m1);
    /* The threads' blocks are fixed by the seed and the count, not by
     * timing: the same floats again. */
    rc = rs_funk_fit(&m, &o, &m1, &e);
    OK(t, rc == 0 && same_floats(m1.P, m2.P, R) && same_floats(m1.Q, m2.Q, C) &&
          same_floats(m1.bu, m2.bu, R) && same_floats(m1.bi, m2.bi, C),
       "funk with 3 threads is deterministic");
    rs_mf_free(&m1);
    rs_mf_free(&m2);
    o.threads = 1025;
    OK(t, rs_funk_fit(&m, &o, &m1, &e) < 0 && e.code == RS_EUSAGE, "1025 threads refused: %s", e.msg);
    o.threads = 1;

    /* Bad options are usage errors. */
    rs_funk_defaults(&o);
    o.k = 16;
    OK(t, rs_funk_fit(&m, &o, &mf, &e) < 0 && e.code == RS_EUSAGE && strstr(e.msg, "1 to 15"),
       "k above min(users, items) refused: %s", e.msg);
    rs_funk_defaults(&o);
    o.reg = -0.1;
    OK(t, rs_funk_fit(&m, &o, &mf, &e) < 0 && e.code == RS_EUSAGE, "negative reg refused: %s", e.msg);
    rs_funk_defaults(&o);
    o.lr = 0;
    OK(t, rs_funk_fit(&m, &o, &mf, &e) < 0 && e.code == RS_EUSAGE, "lr 0 refused: %s", e.msg);
    rs_funk_defaults(&o);
    o.clamp = 1;
    o.lo = o.hi = 3;
    OK(t, rs_funk_fit(&m, &o, &mf, &e) < 0 && e.code == RS_EUSAGE, "empty range refused: %s", e.msg);
    rs_csr_free(&m);
}

/* The closed form of one ALS row, from the definition over ALL items:
 * x = (Y' C Y + reg I)^-1 Y' C p, C = diag(c), c = 1 + alpha r (1 where
 * missing), p = [r > 0]; in double. */
static void closed_form(const float *Y, uint32_t items, int k, const uint32_t *idx,
                        const float *val, size_t n, double alpha, double reg, double *x)
{
    double *c = rs_xmalloc(items * sizeof *c), *p = rs_xcalloc(items, sizeof *p);
    double *A = rs_xcalloc((size_t)k * k, sizeof *A);
    for (uint32_t i = 0; i < items; i++) c[i] = 1;
    for (size_t t = 0; t < n; t++) {
        c[idx[t]] = 1 + alpha * fabs(val[t]);
        p[idx[t]] = val[t] > 0;
    }
    for (int a = 0; a < k; a++) {
        x[a] = 0;
        for (uint32_t i = 0; i < items; i++) x[a] += Y[(size_t)i * k + a] * c[i] * p[i];
        for (int b = 0; b < k; b++) {
            double s = a == b ? reg : 0;
            for (uint32_t i = 0; i < items; i++) s += Y[(size_t)i * k + a] * c[i] * Y[(size_t)i * k + b];
            A[a * k + b] = s;
        }
    }
    LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', k, 1, A, k, x, 1);
    free(c);
    free(p);
    free(A);
}

static void test_als_row(tap *t)
{
    enum { ITEMS = 40, K = 6 };
    rs_rng r;
    rs_rng_seed(&r, 7);
    float Y[ITEMS * K], G[K * K];
    for (int x = 0; x < ITEMS * K; x++) Y[x] = (float)(rs_rng_double(&r) - 0.3);
    double reg = 0.5, alpha = 4;
    for (int a = 0; a < K; a++)
        for (int b = 0; b < K; b++) {
            double s = a == b ? reg : 0;
            for (int i = 0; i < ITEMS; i++) s += (double)Y[i * K + a] * Y[i * K + b];
            G[a * K + b] = (float)s;
        }
    /* A row with a disliked item (r < 0: p = 0, but confidence), and ratings. */
    uint32_t idx[] = { 3, 17, 5, 30, 22, 9, 11 };
    float val[] = { 1, 5, 2.5, -2, 1, 3, 0.5 };
    size_t n = sizeof idx / sizeof idx[0];
    double want[K];
    closed_form(Y, ITEMS, K, idx, val, n, alpha, reg, want);
    float x[K], *s = rs_xmalloc(rs_als_scratch(K, n, RS_ALS_CHOLESKY) * sizeof *s);
    OK(t, rs_als_solve_row(Y, K, G, idx, val, n, alpha, RS_ALS_CHOLESKY, 3, x, s) == 0,
       "cholesky row solve");
    double err = 0, norm = 0;
    for (int a = 0; a < K; a++) {
        err = fmax(err, fabs(x[a] - want[a]));
        norm = fmax(norm, fabs(want[a]));
    }
    OK(t, err <= 1e-4 * norm, "ALS cholesky equals the closed-form normal equations (max err %g of %g)",
       err, norm);
    free(s);

    /* CG from 0: 3 steps get close, K steps (exact in exact arithmetic)
     * and a few more reach the Cholesky answer. */
    s = rs_xmalloc(rs_als_scratch(K, n, RS_ALS_CG) * sizeof *s);
    float y3[K] = { 0 }, yk[K] = { 0 };
    rs_als_solve_row(Y, K, G, idx, val, n, alpha, RS_ALS_CG, 3, y3, s);
    rs_als_solve_row(Y, K, G, idx, val, n, alpha, RS_ALS_CG, 2 * K, yk, s);
    double e3 = 0, ek = 0;
    for (int a = 0; a < K; a++) {
        e3 = fmax(e3, fabs(y3[a] - x[a]));
        ek = fmax(ek, fabs(yk[a] - x[a]));
    }
    OK(t, ek <= 1e-4 * norm, "CG with 2k steps converges to the cholesky answer (max err %g)", ek);
    OK(t, e3 < norm, "CG with 3 steps is on its way (max err %g)", e3);
    /* Warm start at the answer: CG stays there. */
    float w[K];
    memcpy(w, x, sizeof w);
    rs_als_solve_row(Y, K, G, idx, val, n, alpha, RS_ALS_CG, 3, w, s);
    double ew = 0;
    for (int a = 0; a < K; a++) ew = fmax(ew, fabs(w[a] - x[a]));
    OK(t, ew <= 1e-4 * norm, "CG started at the answer stays there (max err %g)", ew);
    free(s);
}

/* A row longer than the CG solver's gather block (65536 entries) is
 * solved in blocks; the answer is the same. */
static void test_als_long_row(tap *t)
{
    enum { ITEMS = 80000, K = 3 };
    rs_rng r;
    rs_rng_seed(&r, 9);
    float *Y = rs_xmalloc((size_t)ITEMS * K * sizeof *Y), G[K * K];
    uint32_t *idx = rs_xmalloc(ITEMS * sizeof *idx);
    float *val = rs_xmalloc(ITEMS * sizeof *val);
    for (size_t x = 0; x < (size_t)ITEMS * K; x++) Y[x] = (float)(rs_rng_double(&r) - 0.5);
    for (int a = 0; a < K; a++)
        for (int b = 0; b < K; b++) {
            double s = a == b ? 1.0 : 0;
            for (int i = 0; i < ITEMS; i++) s += (double)Y[i * K + a] * Y[i * K + b];
            G[a * K + b] = (float)s;
        }
    size_t n = 0;
    for (uint32_t i = 0; i < ITEMS; i++)
        if (i % 10 != 3) {
            idx[n] = i;
            val[n++] = (float)(i % 3);      /* 0 (p = 0, c = 1), 1 or 2 */
        }
    double want[K];
    closed_form(Y, ITEMS, K, idx, val, n, 0.5, 1.0, want);
    float x[K] = { 0 }, *s = rs_xmalloc(rs_als_scratch(K, n, RS_ALS_CG) * sizeof *s);
    rs_als_solve_row(Y, K, G, idx, val, n, 0.5, RS_ALS_CG, 3 * K, x, s);
    double err = 0, norm = 0;
    for (int a = 0; a < K; a++) {
        err = fmax(err, fabs(x[a] - want[a]));
        norm = fmax(norm, fabs(want[a]));
    }
    OK(t, n > 65536 && err <= 1e-3 * norm, "CG on a row of %zu entries (in blocks) (max err %g of %g)",
       n, err, norm);
    free(s);
    free(Y);
    free(idx);
    free(val);
}

static void test_als_fit(tap *t)
{
    rs_csr m;
    planted(&m, 60, 45, 3, 0.4, 11);
    rs_als_opts o;
    rs_als_defaults(&o);
    o.k = 5;
    o.iterations = 4;
    o.reg = 0.1;
    o.alpha = 2;
    o.solver = RS_ALS_CHOLESKY;
    rs_mf a, b;
    rs_err e = { 0 };
    OK(t, rs_als_fit(&m, &o, &a, &e) == 0, "ALS cholesky fit: %s", e.msg);
    /* The user factors written are the exact solves for the item factors
     * written (items are solved first in each iteration). */
    double worst = 0;
    for (uint32_t u = 0; u < m.rows; u += 7) {
        double x[5];
        uint64_t lo = m.indptr[u];
        closed_form(a.Q, m.cols, 5, m.indices + lo, m.values + lo, m.indptr[u + 1] - lo, o.alpha,
                    o.reg, x);
        for (int f = 0; f < 5; f++) worst = fmax(worst, fabs(x[f] - a.P[(size_t)u * 5 + f]));
    }
    OK(t, worst < 1e-4, "each user row solves its normal equations (max err %g)", worst);
    /* Any thread count: the same bytes (rows are independent). */
    o.threads = 3;
    OK(t, rs_als_fit(&m, &o, &b, &e) == 0 && same_floats(a.P, b.P, (size_t)m.rows * 5) &&
          same_floats(a.Q, b.Q, (size_t)m.cols * 5), "ALS with 3 threads gives the same model");
    rs_mf_free(&b);
    o.solver = RS_ALS_CG;
    o.cg_steps = 3;
    o.iterations = 15;
    OK(t, rs_als_fit(&m, &o, &b, &e) == 0, "ALS cg fit");
    /* CG ranks like the exact solver: within-group items on top. */
    int right = 0, total = 0;
    for (uint32_t u = 0; u < m.rows; u++) {
        double in = 0, out = 0;
        for (uint32_t i = 0; i < m.cols; i++) {
            double s = rs_mf_dot(b.P + (size_t)u * 5, b.Q + (size_t)i * 5, 5);
            if (u % 3 == i % 3) in += s; else out += s;
        }
        right += in / 15 > out / 30;
        total++;
    }
    OK(t, right == total, "ALS cg ranks the user's group first for %d of %d users", right, total);
    rs_mf_free(&a);
    rs_mf_free(&b);
    rs_als_defaults(&o);
    o.alpha = -1;
    OK(t, rs_als_fit(&m, &o, &a, &e) < 0 && e.code == RS_EUSAGE, "negative alpha refused: %s", e.msg);
    rs_csr_free(&m);
}

static void test_bpr(tap *t)
{
    rs_csr m;
    planted(&m, 90, 60, 3, 0.35, 5);
    rs_bpr_opts o;
    rs_bpr_defaults(&o);
    o.k = 8;
    o.iterations = 60;
    o.lr = 0.05;
    rs_mf a, b;
    rs_err e = { 0 };
    OK(t, rs_bpr_fit(&m, &o, &a, &e) == 0 && rs_bpr_fit(&m, &o, &b, &e) == 0, "BPR fits");
    OK(t, same_floats(a.P, b.P, (size_t)m.rows * 8) && same_floats(a.Q, b.Q, (size_t)m.cols * 8) &&
          same_floats(a.bi, b.bi, m.cols), "BPR with one thread is deterministic");
    rs_mf_free(&b);
    /* AUC over each user's items against the others. */
    double auc = 0;
    for (uint32_t u = 0; u < m.rows; u++) {
        double s[60];
        int has[60] = { 0 };
        for (uint32_t i = 0; i < m.cols; i++)
            s[i] = rs_mf_dot(a.P + (size_t)u * 8, a.Q + (size_t)i * 8, 8) + a.bi[i];
        for (uint64_t x = m.indptr[u]; x < m.indptr[u + 1]; x++) has[m.indices[x]] = 1;
        long good = 0, pairs = 0;
        for (uint32_t i = 0; i < m.cols; i++)
            for (uint32_t j = 0; j < m.cols; j++)
                if (has[i] && !has[j]) {
                    good += s[i] > s[j];
                    pairs++;
                }
        auc += pairs ? (double)good / pairs : 1;
    }
    auc /= m.rows;
    OK(t, auc > 0.85, "BPR ranks users' items above the others (training AUC %.3f)", auc);
    /* Threads: item blocks no two threads share, so 3 threads give the
     * same model twice, and still rank well. */
    o.threads = 3;
    rs_mf c;
    OK(t, rs_bpr_fit(&m, &o, &b, &e) == 0 && rs_bpr_fit(&m, &o, &c, &e) == 0 &&
          same_floats(b.P, c.P, (size_t)m.rows * 8) && same_floats(b.Q, c.Q, (size_t)m.cols * 8) &&
          same_floats(b.bi, c.bi, m.cols) && !same_floats(a.P, b.P, (size_t)m.rows * 8),
       "BPR with 3 threads: another model than with one, the same one twice");
    double auc3 = 0;
    for (uint32_t u = 0; u < m.rows; u++) {
        long good = 0, pairs = 0;
        for (uint64_t x = m.indptr[u]; x < m.indptr[u + 1]; x++)
            for (uint32_t j = 0; j < m.cols; j++) {
                int seen = 0;
                for (uint64_t y = m.indptr[u]; y < m.indptr[u + 1]; y++) seen |= m.indices[y] == j;
                if (seen) continue;
                uint32_t i = m.indices[x];
                good += rs_mf_dot(b.P + (size_t)u * 8, b.Q + (size_t)i * 8, 8) + b.bi[i] >
                        rs_mf_dot(b.P + (size_t)u * 8, b.Q + (size_t)j * 8, 8) + b.bi[j];
                pairs++;
            }
        auc3 += pairs ? (double)good / pairs : 1;
    }
    auc3 /= m.rows;
    OK(t, auc3 > 0.85, "... and it ranks as well (training AUC %.3f)", auc3);
    rs_mf_free(&b);
    rs_mf_free(&c);
    o.threads = 1;
    o.ns_exponent = 0;
    o.verify = 0;
    OK(t, rs_bpr_fit(&m, &o, &b, &e) == 0 && !same_floats(a.P, b.P, (size_t)m.rows * 8),
       "uniform negatives, no verify: another model");
    rs_mf_free(&a);
    rs_mf_free(&b);
    rs_bpr_defaults(&o);
    o.lr = -1;
    OK(t, rs_bpr_fit(&m, &o, &a, &e) < 0 && e.code == RS_EUSAGE, "negative lr refused: %s", e.msg);
    rs_csr_free(&m);
}

/* Fold-in through the scorer: a training user's own history. */
static void test_foldin(tap *t)
{
    rs_csr m;
    planted(&m, 50, 30, 2, 0.5, 3);
    rs_err e = { 0 };
    float *got = rs_xmalloc(m.cols * sizeof *got), *want = rs_xmalloc(m.cols * sizeof *want);

    /* ALS (cholesky): the fold-in is the same solve, so the same scores. */
    rs_bundle b = { 0 };
    rs_csr_put(&m, &b, 0);
    rs_als_opts ao;
    rs_als_defaults(&ao);
    ao.k = 4;
    ao.iterations = 3;
    ao.solver = RS_ALS_CHOLESKY;
    ao.alpha = 3;
    rs_mf mf;
    rs_als_fit(&m, &ao, &mf, &e);
    rs_als_put(&mf, &ao, &b);
    rs_scorer *s = rs_scorer_open(&b, &e);
    OK(t, s != NULL, "ALS model opens: %s", e.msg);
    double worst = 0;
    for (uint32_t u = 0; u < m.rows; u += 5) {
        uint64_t lo = m.indptr[u];
        rs_scorer_users(s, &u, 1, want, &e);
        rs_scorer_history(s, m.indices + lo, m.values + lo, m.indptr[u + 1] - lo, got, &e);
        for (uint32_t i = 0; i < m.cols; i++) worst = fmax(worst, fabs(got[i] - want[i]));
    }
    OK(t, worst < 1e-4, "ALS fold-in of a training user gives her scores (max diff %g)", worst);
    rs_scorer_close(s);
    rs_bundle_free(&b);

    /* funk: ratings made exactly by a known vector are fitted back. */
    b = (rs_bundle){ 0 };
    rs_csr_put(&m, &b, 0);
    rs_funk_opts fo;
    rs_funk_defaults(&fo);
    fo.k = 3;
    fo.epochs = 5;
    fo.reg = fo.reg_bias = 0;
    rs_funk_fit(&m, &fo, &mf, &e);
    float Q[30 * 3], bi[30], g = (float)mf.g;
    memcpy(Q, mf.Q, sizeof Q);
    memcpy(bi, mf.bi, sizeof bi);
    rs_funk_put(&mf, &fo, &b);
    s = rs_scorer_open(&b, &e);
    uint32_t items[8] = { 0, 3, 5, 8, 13, 21, 25, 29 };
    float vals[8], p[3] = { 0.7f, -0.4f, 1.1f }, bu = 0.25f;
    for (int j = 0; j < 8; j++) vals[j] = g + bi[items[j]] + bu + rs_mf_dot(p, Q + items[j] * 3, 3);
    rs_scorer_history(s, items, vals, 8, got, &e);
    worst = 0;
    for (uint32_t i = 0; i < m.cols; i++)
        worst = fmax(worst, fabs(got[i] - (g + bi[i] + bu + rs_mf_dot(p, Q + i * 3, 3))));
    OK(t, worst < 1e-3, "funk fold-in recovers a user made of the item factors (max diff %g)", worst);
    rs_scorer_close(s);
    rs_bundle_free(&b);

    /* bpr: the same history in another order, the same scores; her items
     * ranked above the others. */
    b = (rs_bundle){ 0 };
    rs_csr_put(&m, &b, 0);
    rs_bpr_opts bo;
    rs_bpr_defaults(&bo);
    bo.k = 4;
    bo.iterations = 50;
    bo.lr = 0.05;
    rs_bpr_fit(&m, &bo, &mf, &e);
    rs_bpr_put(&mf, &bo, &b);
    s = rs_scorer_open(&b, &e);
    uint32_t h[] = { 0, 2, 4, 6, 8 }, hr[] = { 8, 4, 0, 6, 2 };
    rs_scorer_history(s, h, NULL, 5, got, &e);
    rs_scorer_history(s, hr, NULL, 5, want, &e);
    OK(t, same_floats(got, want, m.cols), "bpr fold-in: the same history, the same scores");
    double even = 0, odd = 0;
    for (uint32_t i = 0; i < m.cols; i++) *(i % 2 ? &odd : &even) += got[i];
    OK(t, even > odd, "bpr fold-in of even items scores even items higher (%g > %g)", even, odd);
    rs_scorer_close(s);
    rs_bundle_free(&b);
    free(got);
    free(want);
    rs_csr_free(&m);
}

/* The negatives' distribution: item i has i + 1 entries (item 4 none), so
 * the draws of count^X follow (i + 1)^X and item 4 never comes. */
static void test_noise(tap *t)
{
    const uint32_t cols = 6;
    double a[8 * 6];
    int mask[8 * 6];
    for (uint32_t u = 0; u < 8; u++)
        for (uint32_t i = 0; i < cols; i++) {
            a[u * cols + i] = 1;
            mask[u * cols + i] = i != 4 && u <= i;
        }
    rs_csr m;
    from_dense(&m, 8, cols, a, mask);
    OK(t, rs_mf_noise(&m, 0) == NULL, "exponent 0: no table (uniform over all items)");
    const double xs[] = { 1, 0.75, -1 };
    for (size_t c = 0; c < 3; c++) {
        rs_alias *tab = rs_mf_noise(&m, xs[c]);
        rs_rng rng;
        rs_rng_seed(&rng, 3);
        const int draws = 600000;
        int hits[6] = { 0 };
        for (int d = 0; d < draws; d++) hits[rs_alias_draw(tab, cols, rs_rng_u64(&rng))]++;
        double total = 0, worst = 0;
        for (uint32_t i = 0; i < cols; i++) total += i == 4 ? 0 : pow(i + 1, xs[c]);
        for (uint32_t i = 0; i < cols; i++) {
            double want = (i == 4 ? 0 : pow(i + 1, xs[c])) / total;
            double err = fabs((double)hits[i] / draws - want);
            worst = err > worst ? err : worst;
        }
        OK(t, hits[4] == 0 && worst < 0.003, "exponent %g: draws follow count^X (worst error %.4f)",
           xs[c], worst);
        free(tab);
    }
    /* An extreme exponent: the most popular item takes all but (5/6)^100
     * of the draws. */
    rs_alias *tab = rs_mf_noise(&m, 100);
    rs_rng rng;
    rs_rng_seed(&rng, 4);
    int top = 0;
    for (int d = 0; d < 1000; d++) top += rs_alias_draw(tab, cols, rs_rng_u64(&rng)) == 5;
    OK(t, top >= 999, "exponent 100: the most popular item (%d of 1000)", top);
    free(tab);
    rs_csr_free(&m);
}

int main(void)
{
    tap t = { 0 };
    test_noise(&t);
    test_funk_rank1(&t);
    test_als_row(&t);
    test_als_long_row(&t);
    test_als_fit(&t);
    test_bpr(&t);
    test_foldin(&t);
    return tap_done(&t);
}
