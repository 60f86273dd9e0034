#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>
#include "common/num.h"
#include "model/mf.h"
#include "model/mf_als.h"
#include "model/mf_foldin.h"
#include "common/rng.h"

enum { FOLD_FUNK, FOLD_ALS, FOLD_BPR };

struct rs_foldin {
    int kind, k;
    const float *Q, *bi;
    const rs_csr *train;
    double g;
    double reg, reg_bias, alpha, lr;
    double unobserved, reg_exponent;    /* als: alpha0 and nu (mf_als.h) */
    uint64_t iterations, seed;
    int verify;
    rs_alias *noise;        /* bpr: the negatives' distribution, or NULL */
    pthread_mutex_t lock;   /* guards the lazy gram */
    double *gram;           /* als: alpha0 Q'Q (+ reg I when constant), made on first use */
};

#define GRAM_ROWS 256

double *rs_foldin_gram(const float *Q, uint32_t items, int k, double ridge)
{
    size_t kk = (size_t)k;
    double *G = rs_xcalloc(kk * kk, sizeof *G);
    double *buf = rs_xmalloc(GRAM_ROWS * kk * sizeof *buf);
    for (uint32_t r0 = 0; r0 < items; r0 += GRAM_ROWS) {
        uint32_t n = items - r0 < GRAM_ROWS ? items - r0 : GRAM_ROWS;
        for (size_t x = 0; x < (size_t)n * kk; x++) buf[x] = Q[(size_t)r0 * kk + x];
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, k, (int)n, 1.0, buf, k, 1.0, G, k);
    }
    free(buf);
    for (size_t a = 0; a < kk; a++) {
        G[a * kk + a] += ridge;
        for (size_t c = 0; c < a; c++) G[a * kk + c] = G[c * kk + a];
    }
    return G;
}

static int meta_double(const rs_bundle *b, const char *key, double *v, rs_err *e)
{
    const char *s = rs_meta_get(b, key);
    const char *why;
    if (!s) return rs_errf(e, RS_EDATA, "model: no %s in meta (fold-in needs it)", key);
    if (rs_num_f64(s, strlen(s), v, &why) < 0)
        return rs_errf(e, RS_EDATA, "model: bad %s '%s' (%s)", key, s, why);
    return 0;
}

static int meta_u64(const rs_bundle *b, const char *key, uint64_t *v, rs_err *e)
{
    const char *s = rs_meta_get(b, key);
    char *end;
    if (!s) return rs_errf(e, RS_EDATA, "model: no %s in meta (fold-in needs it)", key);
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (end == s || *end || errno == ERANGE || *s == '-')
        return rs_errf(e, RS_EDATA, "model: bad %s '%s'", key, s);
    *v = x;
    return 0;
}

int rs_foldin_open(const rs_bundle *b, const rs_csr *train, const float *Q, const float *bi,
                   double g, int k, rs_foldin **out, rs_err *e)
{
    *out = NULL;
    const char *model = rs_meta_get(b, "model");
    int kind;
    if (!model) return 0;
    if (!strcmp(model, "funk")) kind = FOLD_FUNK;
    else if (!strcmp(model, "als")) kind = FOLD_ALS;
    else if (!strcmp(model, "bpr") || !strcmp(model, "hybrid")) kind = FOLD_BPR;
    else return 0;
    rs_foldin *f = rs_xcalloc(1, sizeof *f);
    *f = (rs_foldin){ .kind = kind, .k = k, .Q = Q, .bi = bi, .train = train, .g = g };
    int rc = meta_double(b, "reg", &f->reg, e);
    if (rc == 0 && kind == FOLD_FUNK) rc = meta_double(b, "reg_bias", &f->reg_bias, e);
    if (rc == 0 && kind == FOLD_ALS) {
        /* Models from before these options hold neither: Hu et al.'s model. */
        f->unobserved = RS_ALS_UNOBSERVED;
        f->reg_exponent = RS_ALS_REG_EXPONENT;
        rc = meta_double(b, "alpha", &f->alpha, e);
        if (rc == 0 && rs_meta_get(b, "unobserved_weight"))
            rc = meta_double(b, "unobserved_weight", &f->unobserved, e);
        if (rc == 0 && rs_meta_get(b, "reg_exponent"))
            rc = meta_double(b, "reg_exponent", &f->reg_exponent, e);
        if (rc == 0 && (f->unobserved < 0 || f->reg_exponent < 0 || f->reg_exponent > 10))
            rc = rs_errf(e, RS_EDATA, "model: bad unobserved_weight or reg_exponent");
    }
    if (rc == 0 && kind == FOLD_BPR) {
        const char *neg = rs_meta_get(b, "negatives"), *ver = rs_meta_get(b, "verify_negatives");
        double x = neg && !strcmp(neg, "popular");  /* models from before ns_exponent */
        rc = meta_double(b, "lr", &f->lr, e);
        if (rc == 0) rc = meta_u64(b, "iterations", &f->iterations, e);
        if (rc == 0) rc = meta_u64(b, "seed", &f->seed, e);
        if (rc == 0 && rs_meta_get(b, "ns_exponent")) rc = meta_double(b, "ns_exponent", &x, e);
        if (rc == 0 && !(fabs(x) <= 100)) rc = rs_errf(e, RS_EDATA, "model: bad ns_exponent");
        if (rc == 0) f->noise = rs_mf_noise(train, x);
        f->verify = !ver || strcmp(ver, "0") != 0;
    }
    pthread_mutex_init(&f->lock, NULL);
    if (rc < 0) {
        rs_foldin_close(f);
        return -1;
    }
    *out = f;
    return 0;
}

void rs_foldin_close(rs_foldin *f)
{
    if (!f) return;
    pthread_mutex_destroy(&f->lock);
    free(f->gram);
    free(f->noise);
    free(f);
}

static int solve(double *A, double *x, int n, rs_err *e)
{
    if (LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', n, 1, A, n, x, 1) != 0)
        return rs_errf(e, RS_EDATA, "fold-in: the least-squares system is singular");
    return 0;
}

/* alpha0 Q'Q + reg I (reg I only when the penalty is constant), made once,
 * by the first user who needs it.  The state is otherwise read-only; the
 * lock makes this one write safe. */
static const double *als_gram(const rs_foldin *cf)
{
    rs_foldin *f = (rs_foldin *)cf;     /* allocated non-const by rs_foldin_open */
    pthread_mutex_lock(&f->lock);
    if (!f->gram && f->unobserved == 1 && f->reg_exponent == 0) {
        f->gram = rs_foldin_gram(f->Q, f->train->cols, f->k, f->reg);
    } else if (!f->gram) {
        size_t kk = (size_t)f->k;
        double *g = rs_foldin_gram(f->Q, f->train->cols, f->k, 0);
        for (size_t x = 0; x < kk * kk; x++) g[x] *= f->unobserved;
        if (f->reg_exponent == 0)
            for (size_t a = 0; a < kk; a++) g[a * kk + a] += f->reg;
        f->gram = g;
    }
    const double *g = f->gram;
    pthread_mutex_unlock(&f->lock);
    return g;
}

static int fold_als(const rs_foldin *f, const uint32_t *items, const float *vals, size_t n,
                    float *p, rs_err *e)
{
    int k = f->k;
    const double *gram = als_gram(f);
    double *A = rs_xmalloc((size_t)k * k * sizeof *A), *x = rs_xcalloc((size_t)k, sizeof *x);
    memcpy(A, gram, (size_t)k * k * sizeof *A);
    if (f->reg_exponent != 0) {
        /* Her penalty from her history's length, as training's from a row's. */
        double lam = rs_als_row_reg(f->reg, f->unobserved, f->reg_exponent, n, f->train->cols);
        for (int a = 0; a < k; a++) A[(size_t)a * k + a] += lam;
    }
    for (size_t t = 0; t < n; t++) {
        const float *q = f->Q + (size_t)items[t] * k;
        double v = vals ? vals[t] : 1.0, c = 1 + f->alpha * fabs(v);
        for (int a = 0; a < k; a++) {
            if (v > 0) x[a] += c * q[a];
            for (int b = a; b < k; b++) A[(size_t)a * k + b] += (c - 1) * q[a] * q[b];
        }
    }
    int rc = solve(A, x, k, e);
    for (int a = 0; a < k; a++) p[a] = rc == 0 ? (float)x[a] : 0;
    free(A);
    free(x);
    return rc;
}

static int fold_funk(const rs_foldin *f, const uint32_t *items, const float *vals, size_t n,
                     float *p, float *bu, rs_err *e)
{
    int k = f->k, m = k + 1;
    double *A = rs_xcalloc((size_t)m * m, sizeof *A), *x = rs_xcalloc((size_t)m, sizeof *x);
    double *z = rs_xmalloc((size_t)m * sizeof *z);
    for (size_t t = 0; t < n; t++) {
        const float *q = f->Q + (size_t)items[t] * k;
        for (int a = 0; a < k; a++) z[a] = q[a];
        z[k] = 1;
        double y = (vals ? vals[t] : 1.0) - f->g - (f->bi ? f->bi[items[t]] : 0);
        for (int a = 0; a < m; a++) {
            x[a] += z[a] * y;
            for (int b = a; b < m; b++) A[(size_t)a * m + b] += z[a] * z[b];
        }
    }
    for (int a = 0; a < m; a++) A[(size_t)a * m + a] += (double)n * (a < k ? f->reg : f->reg_bias);
    /* No penalty and fewer ratings than unknowns: the minimum-norm answer
     * is not worth a singular-system error; a tiny ridge picks it. */
    for (int a = 0; a < m; a++) A[(size_t)a * m + a] += 1e-9;
    int rc = solve(A, x, m, e);
    for (int a = 0; a < k; a++) p[a] = rc == 0 ? (float)x[a] : 0;
    *bu = rc == 0 ? (float)x[k] : 0;
    free(A);
    free(x);
    free(z);
    return rc;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void fold_bpr(const rs_foldin *f, const uint32_t *items, size_t n, float *p)
{
    int k = f->k;
    uint32_t nitems = f->train->cols;
    uint32_t *mine = rs_xmalloc((n ? n : 1) * sizeof *mine);
    memcpy(mine, items, n * sizeof *mine);
    qsort(mine, n, sizeof *mine, cmp_u32);
    /* FNV-1a over the sorted history: the same history, the same vector. */
    uint64_t h = 14695981039346656037ULL;
    for (size_t t = 0; t < n; t++) h = (h ^ mine[t]) * 1099511628211ULL;
    rs_rng rng;
    rs_rng_seed2(&rng, f->seed, h);
    for (int a = 0; a < k; a++) p[a] = (float)((rs_rng_double(&rng) - 0.5) / k);
    const float lr = (float)f->lr, reg = (float)f->reg;
    uint64_t steps = f->iterations * (uint64_t)n;
    for (uint64_t s = 0; s < steps; s++) {
        uint32_t i = mine[rs_rng_below(&rng, n)], j;
        if (f->noise) j = rs_alias_draw(f->noise, nitems, rs_rng_u64(&rng));
        else j = (uint32_t)rs_rng_below(&rng, nitems);
        if (i == j || (f->verify && bsearch(&j, mine, n, sizeof *mine, cmp_u32))) continue;
        const float *qi = f->Q + (size_t)i * k, *qj = f->Q + (size_t)j * k;
        float x = f->bi ? f->bi[i] - f->bi[j] : 0;
        for (int a = 0; a < k; a++) x += p[a] * (qi[a] - qj[a]);
        float z = 1.0f / (1.0f + expf(x));
        for (int a = 0; a < k; a++) p[a] += lr * (z * (qi[a] - qj[a]) - reg * p[a]);
    }
    free(mine);
}

int rs_foldin_user(const rs_foldin *f, const uint32_t *items, const float *vals, size_t n,
                   float *p, float *bu, rs_err *e)
{
    *bu = 0;
    if (n == 0) {
        memset(p, 0, (size_t)f->k * sizeof *p);
        return 0;
    }
    switch (f->kind) {
    case FOLD_ALS: return fold_als(f, items, vals, n, p, e);
    case FOLD_FUNK: return fold_funk(f, items, vals, n, p, bu, e);
    default: fold_bpr(f, items, n, p); return 0;
    }
}
