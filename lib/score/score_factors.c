#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "common/num.h"
#include "model/mf.h"
#include "model/mf_foldin.h"
#include "score/factor_top.h"
#include "score/recommend.h"
#include "score/score_factors.h"
#include "format/finite.h"

typedef struct factors {
    uint32_t users, items, k;
    const float *P, *Q;         /* views into the bundle */
    const float *bu;            /* or NULL */
    const float *bi;            /* or NULL */
    float *ib;                  /* bi[i] + g, folded once so scoring adds one row */
    double g;
    int user_mean;              /* fold-in bias: the row mean over all items */
    int clamp;
    double lo, hi;
    float *norm;                /* |Q[i]| for similar() */
    /* svd's fold-in, made by the first history() that needs it (under
     * lock): lists for the model's own users never pay for it. */
    pthread_mutex_t lock;
    int prepared;               /* 1 done, -1 failed (Q'Q not positive definite) */
    double *colsum, *qtb;       /* sum over items of Q[i], and Q' bi */
    double *chol;               /* Cholesky factor of Q'Q (+ a tiny ridge) */
    rs_foldin *fold;            /* funk|als|bpr: their own fold-in (mf_foldin.h), else NULL */
    /* user_top()'s items in norm order, made by its first call (under
     * lock; rs-recommend never pays for it): 1 made, -1 not usable. */
    atomic_int top_made;
    rs_factor_top *top;
} factors;

static void fac_close(void *state)
{
    factors *f = state;
    if (!f) return;
    free(f->ib);
    free(f->norm);
    free(f->colsum);
    free(f->qtb);
    free(f->chol);
    rs_foldin_close(f->fold);
    rs_factor_top_close(f->top);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

static int read_meta(factors *f, const rs_bundle *b, rs_err *e)
{
    int range;
    if (rs_mf_meta_global_bias(b, &f->g, e) < 0 || (range = rs_mf_meta_range(b, &f->lo, &f->hi, e)) < 0)
        return -1;
    f->clamp = range;
    const char *model = rs_meta_get(b, "model"), *center = rs_meta_get(b, "center");
    f->user_mean = model && center && !strcmp(model, "svd") && !strcmp(center, "user");
    return 0;
}

/* What svd's fold-in needs (model=svd: the least-squares projection on
 * the item factors, which svd has no penalty for), in double precision. */
static int prepare_foldin(factors *f, rs_err *e)
{
    size_t k = f->k;
    double *G = rs_foldin_gram(f->Q, f->items, (int)k, 0);
    double trace = 0;
    for (size_t a = 0; a < k; a++) trace += G[a * k + a];
    /* Factors of zero (an SVD of a matrix of rank below k) would make Q'Q
     * singular; the ridge leaves them at zero instead. */
    double ridge = trace > 0 ? 1e-9 * trace / (double)k : 1e-30;
    for (size_t a = 0; a < k; a++) G[a * k + a] += ridge;
    f->chol = G;
    if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'U', (lapack_int)k, f->chol, (lapack_int)k) != 0)
        return rs_errf(e, RS_EDATA, "fold-in: the item factors are not usable "
                       "(Q'Q is not positive definite)");
    f->colsum = rs_xcalloc(k, sizeof *f->colsum);
    f->qtb = rs_xcalloc(k, sizeof *f->qtb);
    for (uint32_t i = 0; i < f->items; i++) {
        const float *q = f->Q + (size_t)i * k;
        double b = f->bi ? f->bi[i] : 0;
        for (size_t a = 0; a < k; a++) {
            f->colsum[a] += q[a];
            f->qtb[a] += b * q[a];
        }
    }
    return 0;
}

/* The state is read-only after open() but for this one lazy step. */
static int foldin_ready(const factors *cf, rs_err *e)
{
    factors *f = (factors *)cf;         /* allocated non-const by fac_open */
    pthread_mutex_lock(&f->lock);
    if (!f->prepared) {
        rs_err mine = { 0 };
        f->prepared = prepare_foldin(f, &mine) < 0 ? -1 : 1;
    }
    int ok = f->prepared > 0;
    pthread_mutex_unlock(&f->lock);
    if (!ok)
        return rs_errf(e, RS_EDATA, "fold-in: the item factors are not usable "
                       "(Q'Q is not positive definite)");
    return 0;
}

static void *fac_open(const rs_bundle *b, const rs_csr *train, rs_err *e)
{
    rs_block *q = rs_bundle_need(b, "item_factors", RS_F32, train->cols, 0, e);
    if (!q) return NULL;
    if (q->cols == 0 || q->cols > 1u << 20) {
        rs_errf(e, RS_EDATA, "model: item_factors has %llu columns", (unsigned long long)q->cols);
        return NULL;
    }
    rs_block *p = rs_bundle_need(b, "user_factors", RS_F32, train->rows, q->cols, e);
    if (!p) return NULL;
    rs_block *bu = rs_bundle_get(b, "user_bias"), *bi = rs_bundle_get(b, "item_bias");
    if (bu && !rs_bundle_need(b, "user_bias", RS_F32, train->rows, 1, e)) return NULL;
    if (bi && !rs_bundle_need(b, "item_bias", RS_F32, train->cols, 1, e)) return NULL;
    /* A NaN factor would rank items arbitrarily, silently: refuse it. */
    static const char *const blocks[] = { "item_factors", "user_factors", "user_bias",
                                          "item_bias", "sigma" };
    for (size_t t = 0; t < sizeof blocks / sizeof blocks[0]; t++)
        if (rs_block_check_finite(b, blocks[t], e) < 0) return NULL;
    factors *f = rs_xcalloc(1, sizeof *f);
    f->users = train->rows;
    f->items = train->cols;
    f->k = (uint32_t)q->cols;
    f->P = p->data;
    f->Q = q->data;
    f->bu = bu ? bu->data : NULL;
    const float *bif = bi ? bi->data : NULL;
    f->bi = bif;
    pthread_mutex_init(&f->lock, NULL);
    atomic_init(&f->top_made, 0);
    if (read_meta(f, b, e) < 0 ||
        rs_foldin_open(b, train, f->Q, bif, f->g, (int)f->k, &f->fold, e) < 0) {
        fac_close(f);
        return NULL;
    }
    f->ib = rs_xmalloc(((size_t)f->items + 1) * sizeof *f->ib);
    f->norm = rs_xmalloc(((size_t)f->items + 1) * sizeof *f->norm);
    for (uint32_t i = 0; i < f->items; i++) {
        f->ib[i] = (float)((bif ? bif[i] : 0) + f->g);
        f->norm[i] = cblas_snrm2((int)f->k, f->Q + (size_t)i * f->k, 1);
    }
    return f;
}

/* By hand: at -O2 the compiler leaves this loop scalar, and it was a
 * fifth of rs-recommend's time.  The same two roundings either way. */
static void add_bias(float *row, const float *ib, float b, uint32_t n)
{
    uint32_t i = 0;
#if defined(__SSE2__)
    __m128 vb = _mm_set1_ps(b);
    for (; i + 8 <= n; i += 8) {
        __m128 x = _mm_add_ps(_mm_loadu_ps(row + i), _mm_add_ps(_mm_loadu_ps(ib + i), vb));
        __m128 y = _mm_add_ps(_mm_loadu_ps(row + i + 4),
                              _mm_add_ps(_mm_loadu_ps(ib + i + 4), vb));
        _mm_storeu_ps(row + i, x);
        _mm_storeu_ps(row + i + 4, y);
    }
#endif
    for (; i < n; i++) row[i] += ib[i] + b;
}

/* Scores of users against items [c0, c0 + nc) into out (row stride nc).
 * Every score is the SGEMM kernel's dot plus (ib + bu), so a range of
 * columns gives the bits the whole row would: the kernel sums each
 * element over k in the same order whatever the tile. */
static int fac_users_cols(void *state, const uint32_t *users, size_t nu, uint32_t c0,
                          uint32_t nc, float *out, rs_err *e)
{
    const factors *f = state;
    size_t k = f->k;
    if (nu == 0 || nc == 0) return 0;
    /* The usual caller asks for a run of consecutive users: no copy then. */
    int run = 1;
    for (size_t r = 1; r < nu && run; r++) run = users[r] == users[0] + r;
    float *gather = NULL;
    const float *pu = f->P + (size_t)users[0] * k, *q = f->Q + (size_t)c0 * k;
    if (!run) {
        gather = rs_xmalloc(nu * k * sizeof *gather);
        for (size_t r = 0; r < nu; r++)
            memcpy(gather + r * k, f->P + (size_t)users[r] * k, k * sizeof *gather);
        pu = gather;
    }
    /* One user (rs-recommend --user, rs-serve): SGEMV, as history() and
     * similar() do; OpenBLAS's SGEMM packs all of Q for a single row, which
     * made it 5.8x slower (ML-20M shape, k=64: 1.86 ms against 0.32 ms). */
    if (nu == 1)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)nc, (int)k, 1.0f, q, (int)k, pu,
                    1, 0.0f, out, 1);
    else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nu, (int)nc, (int)k, 1.0f,
                    pu, (int)k, q, (int)k, 0.0f, out, (int)nc);
    free(gather);
    for (size_t r = 0; r < nu; r++)
        add_bias(out + r * nc, f->ib + c0, f->bu ? f->bu[users[r]] : 0.0f, nc);
    return 0;
}

static int fac_users(void *state, const uint32_t *users, size_t nu, float *out, rs_err *e)
{
    const factors *f = state;
    return fac_users_cols(state, users, nu, 0, f->items, out, e);
}

/* users() for one user and rs_rec_top_row, without scoring the items
 * that cannot make the list (factor_top.h); the full row when the ordered
 * scoring is not bit-identical on this machine. */
static int fac_user_top(void *state, uint32_t user, const uint32_t *mask, size_t nmask,
                        rs_topk *t, size_t *n, rs_err *e)
{
    factors *f = state;
    if (!atomic_load_explicit(&f->top_made, memory_order_acquire)) {
        pthread_mutex_lock(&f->lock);
        if (!atomic_load_explicit(&f->top_made, memory_order_relaxed)) {
            f->top = rs_factor_top_open(f->Q, f->ib, f->items, f->k);
            atomic_store_explicit(&f->top_made, f->top ? 1 : -1, memory_order_release);
        }
        pthread_mutex_unlock(&f->lock);
    }
    float bu = f->bu ? f->bu[user] : 0.0f;
    if (f->top) {
        float *scratch = rs_xmalloc(RS_FACTOR_TOP_SCRATCH * sizeof *scratch);
        *n = rs_factor_top_user(f->top, f->P + (size_t)user * f->k, bu, mask, nmask, t, scratch);
        free(scratch);
        return 0;
    }
    float *row = rs_xmalloc(((size_t)f->items + 1) * sizeof *row);
    int rc = fac_users_cols(state, &user, 1, 0, f->items, row, e);
    if (rc == 0) *n = rs_rec_top_row(t, row, f->items, mask, nmask);
    free(row);
    return rc;
}

static int fac_history(void *state, const uint32_t *items, const float *vals, size_t n,
                       float *out, rs_err *e)
{
    const factors *f = state;
    size_t k = f->k;
    if (f->fold) {
        float *p = rs_xmalloc(k * sizeof *p), bu;
        int rc = rs_foldin_user(f->fold, items, vals, n, p, &bu, e);
        if (rc == 0) {
            cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)f->items, (int)k, 1.0f, f->Q, (int)k, p,
                        1, 0.0f, out, 1);
            for (uint32_t i = 0; i < f->items; i++) out[i] += f->ib[i] + bu;
        }
        free(p);
        return rc;
    }
    if (foldin_ready(f, e) < 0) return -1;
    double *rhs = rs_xcalloc(k, sizeof *rhs), sum = 0;
    for (size_t t = 0; t < n; t++) {
        const float *q = f->Q + (size_t)items[t] * k;
        double v = vals ? vals[t] : 1.0;
        sum += v;
        for (size_t a = 0; a < k; a++) rhs[a] += v * q[a];
    }
    double b = f->user_mean && f->items ? sum / f->items : 0.0;
    for (size_t a = 0; a < k; a++) rhs[a] -= (b + f->g) * f->colsum[a] + f->qtb[a];
    if (LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'U', (lapack_int)k, 1, f->chol, (lapack_int)k, rhs, 1) != 0) {
        free(rhs);
        return rs_errf(e, RS_EDATA, "fold-in: solve failed");
    }
    float *p = rs_xmalloc(k * sizeof *p);
    for (size_t a = 0; a < k; a++) p[a] = (float)rhs[a];
    free(rhs);
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)f->items, (int)k, 1.0f, f->Q, (int)k, p, 1,
                0.0f, out, 1);
    free(p);
    for (uint32_t i = 0; i < f->items; i++) out[i] += f->ib[i] + (float)b;
    return 0;
}

static int fac_similar(void *state, uint32_t j, float *out, rs_err *e)
{
    const factors *f = state;
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)f->items, (int)f->k, 1.0f, f->Q, (int)f->k,
                f->Q + (size_t)j * f->k, 1, 0.0f, out, 1);
    float nj = f->norm[j];
    for (uint32_t i = 0; i < f->items; i++) {
        float d = f->norm[i] * nj;
        out[i] = d > 0 ? out[i] / d : NAN;
    }
    return 0;
}

static int fac_predict(void *state, const int64_t *users, const int64_t *items, size_t n,
                       float *out, rs_err *e)
{
    const factors *f = state;
    for (size_t t = 0; t < n; t++) {
        int64_t u = users[t], i = items[t];
        double s = f->g;
        if (i >= 0) s = f->ib[i];
        if (u >= 0 && f->bu) s += f->bu[u];
        if (u >= 0 && i >= 0)
            s += cblas_sdot((int)f->k, f->P + (size_t)u * f->k, 1, f->Q + (size_t)i * f->k, 1);
        if (f->clamp) s = s < f->lo ? f->lo : s > f->hi ? f->hi : s;
        out[t] = (float)s;
    }
    return 0;
}

const rs_scorer_ops rs_score_factors_ops = {
    .name = "factors",
    .open = fac_open,
    .close = fac_close,
    .users = fac_users,
    .history = fac_history,
    .similar = fac_similar,
    .predict = fac_predict,
    .users_cols = fac_users_cols,
    .user_top = fac_user_top,
};
