/* lib/model/svd against LAPACKE's dense SVD on random low-rank-plus-noise
 * matrices, with every centring, both orientations, determinism. */
#include <lapacke.h>
#include <stdint.h>
#include "cli/cli.h"
#include "format/csr.h"
#include "common/idmap.h"
#include "common/rng.h"
#include "model/svd.h"
#include "tap.h"

/* A sparse rows x cols matrix: a rank-r signal plus noise, observed with
 * probability density, rounded to half stars like ratings; some rows hold
 * an item twice (which adds up) and some rows and columns are empty. */
static void make(rs_csr *m, uint32_t rows, uint32_t cols, int r, double density, int holes,
                 int shuffle, uint64_t seed)
{
    rs_rng g;
    rs_rng_seed(&g, seed);
    double *a = rs_xmalloc((size_t)rows * r * sizeof *a), *b = rs_xmalloc((size_t)cols * r * sizeof *b);
    for (size_t i = 0; i < (size_t)rows * r; i++) a[i] = rs_rng_normal(&g);
    for (size_t i = 0; i < (size_t)cols * r; i++) b[i] = rs_rng_normal(&g);
    memset(m, 0, sizeof *m);
    m->rows = rows;
    m->cols = cols;
    m->owned = 1;
    size_t cap = (size_t)(rows * (double)cols * density * 1.2) + 64, n = 0;
    m->indptr = rs_xcalloc((size_t)rows + 1, sizeof *m->indptr);
    m->indices = rs_xmalloc(cap * sizeof *m->indices);
    m->values = rs_xmalloc(cap * sizeof *m->values);
    for (uint32_t u = 0; u < rows; u++) {
        if (holes && u % 37 == 5) {           /* an empty row */
            m->indptr[u + 1] = n;
            continue;
        }
        for (uint32_t i = 0; i < cols; i++) {
            if ((holes && i % 41 == 3) || rs_rng_double(&g) >= density) continue;
            double s = 0;
            for (int q = 0; q < r; q++) s += a[(size_t)u * r + q] * b[(size_t)i * r + q];
            double v = 3 + s / 2 + 0.5 * rs_rng_normal(&g);
            v = round(v * 2) / 2;
            if (n + 2 > cap) {
                cap *= 2;
                m->indices = rs_xrealloc(m->indices, cap * sizeof *m->indices);
                m->values = rs_xrealloc(m->values, cap * sizeof *m->values);
            }
            m->indices[n] = i;
            m->values[n++] = (float)(v < 0.5 ? 0.5 : v > 5 ? 5 : v);
            if (u % 11 == 0 && i % 13 == 0) {       /* a re-rating */
                m->indices[n] = i;
                m->values[n++] = 1;
            }
        }
        m->indptr[u + 1] = n;
        if (shuffle)            /* rows in input order, not sorted */
            for (uint64_t lo = m->indptr[u], hi = n; lo + 1 < hi; lo++, hi--) {
                uint32_t ti = m->indices[lo];
                float tv = m->values[lo];
                m->indices[lo] = m->indices[hi - 1];
                m->values[lo] = m->values[hi - 1];
                m->indices[hi - 1] = ti;
                m->values[hi - 1] = tv;
            }
    }
    m->nnz = n;
    free(a);
    free(b);
}

/* The dense matrix, centred as svd.h defines (means over all entries). */
static double *dense(const rs_csr *m, int center)
{
    size_t R = m->rows, C = m->cols;
    double *d = rs_xcalloc(R * C, sizeof *d);
    for (uint32_t u = 0; u < m->rows; u++)
        for (uint64_t p = m->indptr[u]; p < m->indptr[u + 1]; p++)
            d[u * C + m->indices[p]] += m->values[p];
    double tot = 0;
    for (size_t i = 0; i < R * C; i++) tot += d[i];
    if (center == RS_CENTER_GLOBAL)
        for (size_t i = 0; i < R * C; i++) d[i] -= tot / (double)(R * C);
    if (center == RS_CENTER_USER)
        for (size_t u = 0; u < R; u++) {
            double s = 0;
            for (size_t i = 0; i < C; i++) s += d[u * C + i];
            for (size_t i = 0; i < C; i++) d[u * C + i] -= s / (double)C;
        }
    if (center == RS_CENTER_ITEM)
        for (size_t i = 0; i < C; i++) {
            double s = 0;
            for (size_t u = 0; u < R; u++) s += d[u * C + i];
            for (size_t u = 0; u < R; u++) d[u * C + i] -= s / (double)R;
        }
    return d;
}

/* Exact singular values (all min(R, C)), and the dense matrix in *out. */
static double *exact(const rs_csr *m, int center, double **out)
{
    size_t R = m->rows, C = m->cols, n = R < C ? R : C;
    double *d = dense(m, center), *work = rs_xmalloc(R * C * sizeof *work);
    memcpy(work, d, R * C * sizeof *work);
    double *s = rs_xmalloc(n * sizeof *s);
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'N', (lapack_int)R, (lapack_int)C, work,
                                     (lapack_int)C, s, NULL, (lapack_int)R, NULL, (lapack_int)C);
    if (info) {
        printf("Bail out! dgesdd failed\n");
        exit(1);
    }
    free(work);
    *out = d;
    return s;
}

static double max_rel(const double *a, const double *b, int k)
{
    double m = 0;
    /* A singular value of 0 (a rank-deficient matrix) is matched to 1e-9 of the largest. */
    for (int j = 0; j < k; j++) m = fmax(m, fabs(a[j] - b[j]) / fmax(b[j], 1e-9 * b[0]));
    return m;
}

/* |d - (U S V' + biases)|_F / |d - best rank k|_F: 1 for the optimum
 * (and when the best is exact, a residual below 1e-6 |d|, the float rounding
 * of the last product, counts as 1). */
static double residual_ratio(const rs_svd *s, const rs_csr *m, int center, const double *sv)
{
    size_t R = m->rows, C = m->cols, k = (size_t)s->k, n = R < C ? R : C;
    double *d = dense(m, RS_CENTER_NONE), res = 0, best = 0, all = 0;
    for (size_t u = 0; u < R; u++)
        for (size_t i = 0; i < C; i++) {
            double x = s->global_bias + (s->user_bias ? s->user_bias[u] : 0) +
                       (s->item_bias ? s->item_bias[i] : 0);
            for (size_t j = 0; j < k; j++) x += s->u[u * k + j] * s->sigma[j] * s->v[i * k + j];
            res += (d[u * C + i] - x) * (d[u * C + i] - x);
        }
    for (size_t j = k; j < n; j++) best += sv[j] * sv[j];
    for (size_t j = 0; j < n; j++) all += sv[j] * sv[j];
    free(d);
    (void)center;
    return sqrt(res) / fmax(sqrt(best), 1e-6 * sqrt(all));
}

/* Columns for singular values of 0 are 0 (and left out here). */
static double orth_err(const double *u, size_t rows, size_t k, const double *sigma)
{
    double m = 0;
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < k; b++) {
            if (sigma[a] <= 1e-12 * sigma[0] || sigma[b] <= 1e-12 * sigma[0]) continue;
            double s = 0;
            for (size_t r = 0; r < rows; r++) s += u[r * k + a] * u[r * k + b];
            m = fmax(m, fabs(s - (a == b)));
        }
    return m;
}

/* Beyond the planted rank the spectrum is a flat noise bulk: the hard case
 * for any Krylov method, which the convergence test must carry through. */
static void check(tap *t, uint32_t rows, uint32_t cols, int k, int center, int threads, int holes)
{
    rs_csr m;
    make(&m, rows, cols, 6, 0.15, holes, threads > 1, rows * 7919u + cols);
    double *d, *sv = exact(&m, center, &d);
    free(d);
    rs_svd_opts o;
    rs_svd_defaults(&o);
    o.k = k;
    o.center = center;
    o.threads = threads;
    rs_svd s;
    rs_err e = { 0 };
    int rc = rs_svd_compute(&m, &o, &s, &e);
    OK(t, rc == 0, "%ux%u k=%d center=%s j=%d: computed %s", rows, cols, k,
       rs_svd_center_name(center), threads, rc ? e.msg : "");
    if (rc == 0) {
        double err = max_rel(s.sigma, sv, k);
        OK(t, err < 1e-6, "  top-%d singular values within 1e-6 of LAPACKE (max rel %.2e)", k, err);
        double ratio = residual_ratio(&s, &m, center, sv);
        OK(t, ratio < 1 + 1e-6, "  residual is the best rank-%d one (ratio %.9f)", k, ratio);
        double ou = orth_err(s.u, rows, (size_t)k, s.sigma), ov = orth_err(s.v, cols, (size_t)k, s.sigma);
        OK(t, ou < 1e-6 && ov < 1e-6, "  U, V orthonormal (%.1e, %.1e)", ou, ov);
        rs_svd_free(&s);
    }
    free(sv);
    rs_csr_free(&m);
}

/* testdata/ratings.csv (our own synthetic data, 600 users x 1500 movies,
 * header userId,movieId,rating,timestamp) as a matrix; 0 if absent. */
static int load_testdata(rs_csr *m)
{
    const char *top = getenv("RS_TOP");
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/testdata/ratings.csv", top ? top : ".");
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    rs_idmap *us = rs_idmap_new(), *is = rs_idmap_new();
    size_t n = 0, cap = 1024;
    uint32_t *u = rs_xmalloc(cap * sizeof *u), *it = rs_xmalloc(cap * sizeof *it);
    float *r = rs_xmalloc(cap * sizeof *r);
    while (fgets(line, sizeof line, f)) {
        char a[64], b[64];
        double v;
        if (sscanf(line, "%63[^,],%63[^,],%lf", a, b, &v) != 3 || !strcmp(a, "userId")) continue;
        if (n == cap) {
            cap *= 2;
            u = rs_xrealloc(u, cap * sizeof *u);
            it = rs_xrealloc(it, cap * sizeof *it);
            r = rs_xrealloc(r, cap * sizeof *r);
        }
        u[n] = rs_idmap_intern(us, a, strlen(a));
        it[n] = rs_idmap_intern(is, b, strlen(b));
        r[n++] = (float)v;
    }
    fclose(f);
    memset(m, 0, sizeof *m);
    m->rows = rs_idmap_size(us);
    m->cols = rs_idmap_size(is);
    m->nnz = n;
    m->owned = 1;
    m->indptr = rs_xcalloc((size_t)m->rows + 1, sizeof *m->indptr);
    m->indices = rs_xmalloc((n + 1) * sizeof *m->indices);
    m->values = rs_xmalloc((n + 1) * sizeof *m->values);
    for (size_t q = 0; q < n; q++) m->indptr[u[q] + 1]++;
    for (uint32_t q = 0; q < m->rows; q++) m->indptr[q + 1] += m->indptr[q];
    uint64_t *next = rs_xmalloc(((size_t)m->rows + 1) * sizeof *next);
    memcpy(next, m->indptr, ((size_t)m->rows + 1) * sizeof *next);
    for (size_t q = 0; q < n; q++) {
        m->indices[next[u[q]]] = it[q];
        m->values[next[u[q]]++] = r[q];
    }
    free(next);
    free(u);
    free(it);
    free(r);
    rs_idmap_free(us);
    rs_idmap_free(is);
    return 1;
}

/* The target: on the test data, with the default options, the
 * top-k singular values within 1e-6 of LAPACKE's dense SVD. */
static void check_testdata(tap *t)
{
    rs_csr m;
    if (!load_testdata(&m)) {
        OK(t, 1, "# SKIP testdata/ratings.csv not found (set RS_TOP)");
        return;
    }
    static const int center[] = { RS_CENTER_NONE, RS_CENTER_USER };
    for (int c = 0; c < 2; c++) {
        double *d, *sv = exact(&m, center[c], &d);
        free(d);
        rs_svd_opts o;
        rs_svd_defaults(&o);
        o.center = center[c];
        o.threads = 2;
        rs_svd s;
        rs_err e = { 0 };
        int rc = rs_svd_compute(&m, &o, &s, &e);
        OK(t, rc == 0, "testdata %ux%u, defaults (k=%d), center=%s: %s", m.rows, m.cols, o.k,
           rs_svd_center_name(center[c]), rc ? e.msg : "computed");
        if (rc == 0) {
            double err = max_rel(s.sigma, sv, o.k);
            OK(t, err < 1e-6, "  top-%d singular values within 1e-6 of LAPACKE (max rel %.2e)",
               o.k, err);
            rs_svd_free(&s);
        }
        free(sv);
    }
    rs_csr_free(&m);
}

int main(void)
{
    tap t = { 0 };
    rs_blas_threads(1);     /* small matrices: threads would only wait */
    check_testdata(&t);
    /* Both orientations, every centring, threads. */
    check(&t, 300, 700, 20, RS_CENTER_NONE, 1, 1);
    check(&t, 700, 300, 20, RS_CENTER_NONE, 2, 1);
    check(&t, 500, 400, 10, RS_CENTER_GLOBAL, 1, 1);
    check(&t, 400, 500, 10, RS_CENTER_USER, 2, 1);
    check(&t, 500, 400, 10, RS_CENTER_USER, 1, 1);
    check(&t, 400, 500, 10, RS_CENTER_ITEM, 1, 1);
    check(&t, 500, 400, 10, RS_CENTER_ITEM, 3, 1);
    /* k up to the whole matrix: the basis fills the space, exact. */
    check(&t, 60, 90, 60, RS_CENTER_NONE, 1, 0);
    check(&t, 90, 60, 60, RS_CENTER_USER, 2, 0);
    check(&t, 90, 60, 55, RS_CENTER_ITEM, 2, 1);
    check(&t, 40, 45, 1, RS_CENTER_NONE, 1, 1);

    /* Determinism: same seed, same bits; another seed, the same answer. */
    rs_csr m;
    make(&m, 350, 250, 6, 0.2, 1, 1, 99);      /* unsorted rows: S's entries copied */
    rs_svd_opts o;
    rs_svd_defaults(&o);
    o.k = 12;
    rs_svd a, b, c;
    rs_err e = { 0 };
    int ok = rs_svd_compute(&m, &o, &a, &e) == 0 && rs_svd_compute(&m, &o, &b, &e) == 0;
    rs_svd d;
    o.threads = 3;
    ok = ok && rs_svd_compute(&m, &o, &d, &e) == 0;
    o.seed = 7;
    o.threads = 2;
    ok = ok && rs_svd_compute(&m, &o, &c, &e) == 0;
    OK(&t, ok, "determinism runs %s", ok ? "" : e.msg);
    if (ok) {
        OK(&t, !memcmp(a.u, b.u, 350 * 12 * sizeof *a.u) && !memcmp(a.v, b.v, 250 * 12 * sizeof *a.v) &&
           !memcmp(a.sigma, b.sigma, 12 * sizeof *a.sigma), "same seed: identical U, S, V");
        OK(&t, !memcmp(a.u, d.u, 350 * 12 * sizeof *a.u) && !memcmp(a.v, d.v, 250 * 12 * sizeof *a.v) &&
           !memcmp(a.sigma, d.sigma, 12 * sizeof *a.sigma), "1 or 3 threads: identical U, S, V");
        rs_svd_free(&d);
        double du = 0;
        for (size_t i = 0; i < 350 * 12; i++) du = fmax(du, fabs(a.u[i] - c.u[i]));
        OK(&t, max_rel(c.sigma, a.sigma, 12) < 1e-9 && du < 1e-4,
           "other seed and threads: same values (%.1e) and, with fixed signs, vectors (%.1e)",
           max_rel(c.sigma, a.sigma, 12), du);
        int pos = 1;
        for (int j = 0; j < 12; j++) {
            double best = 0;
            for (int i = 0; i < 250; i++)
                if (fabs(a.v[i * 12 + j]) > fabs(best)) best = a.v[i * 12 + j];
            pos &= best > 0;
        }
        OK(&t, pos, "largest entry of each V column is positive");
        rs_svd_free(&a);
        rs_svd_free(&b);
        rs_svd_free(&c);
    }

    /* The stopping rules: --tol 0 runs exactly --power iterations; the
     * basis always holds k columns; too few iterations are reported. */
    rs_svd_defaults(&o);
    o.k = 12;
    o.tol = 0;
    o.power = 2;
    ok = rs_svd_compute(&m, &o, &a, &e) == 0;
    OK(&t, ok && a.iterations == 2 && a.basis == 48 && a.passes == 5,
       "tol 0, power 2: 2 iterations, basis 48, 5 passes (%d, %d, %d)", a.iterations, a.basis,
       a.passes);
    if (ok) rs_svd_free(&a);
    o.k = 40;
    o.power = 0;
    ok = rs_svd_compute(&m, &o, &a, &e) == 0;
    OK(&t, ok && a.basis >= 40, "power 0, k 40: the basis still holds k columns (%d)", a.basis);
    if (ok) rs_svd_free(&a);
    o.k = 12;
    o.power = 1;
    o.tol = 1e-12;
    ok = rs_svd_compute(&m, &o, &a, &e) == 0;
    OK(&t, ok && !a.converged && a.change > 1e-12, "power 1: not converged to 1e-12 (change %.1e)",
       a.change);
    if (ok) rs_svd_free(&a);
    rs_svd_defaults(&o);
    o.k = 12;
    ok = rs_svd_compute(&m, &o, &a, &e) == 0;
    OK(&t, ok && a.converged && a.change < 1e-8, "defaults: converged (change %.1e after %d "
       "iterations)", a.change, a.iterations);
    if (ok) rs_svd_free(&a);

    /* Bad k is a usage error naming the limit. */
    o.k = 251;
    OK(&t, rs_svd_compute(&m, &o, &a, &e) == -1 && e.code == RS_EUSAGE && strstr(e.msg, "250"),
       "k > min(rows, cols) refused: %s", e.msg);
    o.k = 0;
    OK(&t, rs_svd_compute(&m, &o, &a, &e) == -1 && e.code == RS_EUSAGE, "k = 0 refused");

    /* The model blocks. */
    o.k = 5;
    o.center = RS_CENTER_USER;
    rs_bundle bd = { 0 };
    ok = rs_svd_compute(&m, &o, &a, &e) == 0;
    OK(&t, ok, "model run");
    if (ok) {
        rs_svd_put(&a, &o, &bd);
        rs_block *uf = rs_bundle_get(&bd, "user_factors"), *itf = rs_bundle_get(&bd, "item_factors");
        rs_block *sg = rs_bundle_get(&bd, "sigma"), *ub = rs_bundle_get(&bd, "user_bias");
        OK(&t, uf && uf->dtype == RS_F32 && uf->rows == 350 && uf->cols == 5, "user_factors 350x5 F32");
        OK(&t, itf && itf->dtype == RS_F32 && itf->rows == 250 && itf->cols == 5, "item_factors 250x5 F32");
        OK(&t, sg && sg->rows == 5 && ub && ub->rows == 350 && !rs_bundle_get(&bd, "item_bias"),
           "sigma and user_bias, no item_bias");
        if (uf && itf && sg) {
            const float *p = uf->data, *q = itf->data, *sig = sg->data;
            NEAR(&t, p[3 * 5 + 2], a.u[3 * 5 + 2] * sqrt(a.sigma[2]), 1e-6, "P = U sqrt(S)");
            NEAR(&t, q[7 * 5 + 4], a.v[7 * 5 + 4] * sqrt(a.sigma[4]), 1e-6, "Q = V sqrt(S)");
            NEAR(&t, sig[0], a.sigma[0], 1e-4 * a.sigma[0], "sigma");
        }
        const char *mk = rs_meta_get(&bd, "model"), *ce = rs_meta_get(&bd, "center");
        OK(&t, mk && !strcmp(mk, "svd") && ce && !strcmp(ce, "user"), "meta model=svd center=user");
        rs_svd_free(&a);
    }
    rs_bundle_free(&bd);
    rs_csr_free(&m);
    return tap_done(&t);
}
