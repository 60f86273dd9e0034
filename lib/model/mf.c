#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/num.h"
#include "model/mf.h"

void rs_mf_alloc(rs_mf *m, uint32_t users, uint32_t items, int k, int user_bias, int item_bias)
{
    memset(m, 0, sizeof *m);
    m->users = users;
    m->items = items;
    m->k = k;
    m->P = rs_xcalloc((size_t)users * k + 1, sizeof *m->P);
    m->Q = rs_xcalloc((size_t)items * k + 1, sizeof *m->Q);
    if (user_bias) m->bu = rs_xcalloc((size_t)users + 1, sizeof *m->bu);
    if (item_bias) m->bi = rs_xcalloc((size_t)items + 1, sizeof *m->bi);
}

void rs_mf_free(rs_mf *m)
{
    free(m->P);
    free(m->Q);
    free(m->bu);
    free(m->bi);
    memset(m, 0, sizeof *m);
}

int rs_mf_check(const rs_csr *a, int k, rs_err *e)
{
    if (a->nnz == 0 || a->rows == 0 || a->cols == 0)
        return rs_errf(e, RS_EDATA, "the matrix has no interactions to learn from");
    uint32_t most = a->rows < a->cols ? a->rows : a->cols;
    if (k < 1 || (uint32_t)k > most)
        return rs_errf(e, RS_EUSAGE, "-k %d: a %u x %u matrix allows 1 to %u factors", k,
                       a->rows, a->cols, most);
    return 0;
}

void rs_mf_format(double v, char *buf, size_t n)
{
    char b[RS_NUM_BUF];
    rs_num_fmt_f64(b, v);
    snprintf(buf, n, "%s", b);
}

void rs_mf_meta_double(rs_bundle *b, const char *key, double v)
{
    char buf[64];
    rs_mf_format(v, buf, sizeof buf);
    rs_meta_set(b, key, buf);
}

void rs_mf_meta_u64(rs_bundle *b, const char *key, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    rs_meta_set(b, key, buf);
}

/* Meta keys that describe a model, not the matrix: a model written over an
 * earlier one must not inherit them (a stale range= would clamp, a stale
 * alpha= would change the fold-in). */
static const char *const model_keys[] = {
    "model", "k", "center", "seed", "block", "tol", "power", "global_bias", "range",
    "sim", "weight", "binary", "bm25_k1", "bm25_b", "score",
    "epochs", "iterations", "lr", "lr_bias", "reg", "reg_bias", "init_std", "alpha",
    "solver", "cg_steps", "negatives", "ns_exponent", "verify_negatives",
};

static int is_model_key(const char *entry)
{
    for (size_t j = 0; j < sizeof model_keys / sizeof model_keys[0]; j++) {
        size_t len = strlen(model_keys[j]);
        if (!strncmp(entry, model_keys[j], len) && entry[len] == '=') return 1;
    }
    return 0;
}

static void drop_model_meta(rs_bundle *b)
{
    rs_block *m = rs_bundle_get(b, "meta");
    if (!m || m->dtype != RS_STR) return;
    const char **s = rs_block_strs(m);
    uint64_t n = m->rows, kept = 0;
    const char **keep = rs_xmalloc((n ? n : 1) * sizeof *keep);
    for (uint64_t j = 0; j < n; j++)
        if (!is_model_key(s[j])) keep[kept++] = s[j];
    if (kept < n) {
        /* The strings point into the old block: copy before replacing it. */
        char **copy = rs_xmalloc((kept ? kept : 1) * sizeof *copy);
        for (uint64_t j = 0; j < kept; j++) copy[j] = rs_xstrdup(keep[j]);
        rs_bundle_remove(b, "meta");
        if (kept) rs_bundle_put_strs(b, "meta", (const char *const *)copy, kept);
        for (uint64_t j = 0; j < kept; j++) free(copy[j]);
        free(copy);
    }
    free(keep);
    free(s);
}

void rs_mf_put(rs_mf *m, const char *kind, rs_bundle *b)
{
    static const char *const stale[] = {
        "user_factors", "item_factors", "sigma", "user_bias", "item_bias",
        "item_nbr_indptr", "item_nbr_indices", "item_nbr_values",
        "user_nbr_indptr", "user_nbr_indices", "user_nbr_values",
        "w2v_in", "w2v_out", "w2v_count",
    };
    for (size_t j = 0; j < sizeof stale / sizeof stale[0]; j++) rs_bundle_remove(b, stale[j]);
    drop_model_meta(b);
    size_t k = (size_t)m->k;
    rs_bundle_put(b, "user_factors", RS_F32, m->users, k, m->P, 1);
    rs_bundle_put(b, "item_factors", RS_F32, m->items, k, m->Q, 1);
    if (m->bu) rs_bundle_put(b, "user_bias", RS_F32, m->users, 1, m->bu, 1);
    if (m->bi) rs_bundle_put(b, "item_bias", RS_F32, m->items, 1, m->bi, 1);
    rs_meta_set(b, "model", kind);
    rs_mf_meta_u64(b, "k", k);
    rs_mf_meta_double(b, "global_bias", m->g);
    m->P = m->Q = m->bu = m->bi = NULL;
}

typedef struct worker {
    void (*fn)(void *ctx, int t);
    void *ctx;
    int t;
} worker;

static void *run_worker(void *arg)
{
    worker *w = arg;
    w->fn(w->ctx, w->t);
    return NULL;
}

int rs_mf_parallel(int n, void (*fn)(void *ctx, int t), void *ctx, rs_err *e)
{
    if (n <= 1) {
        fn(ctx, 0);
        return 0;
    }
    pthread_t *th = rs_xmalloc((size_t)n * sizeof *th);
    worker *w = rs_xmalloc((size_t)n * sizeof *w);
    int started = 0, rc = 0;
    for (int t = 1; t < n; t++) {
        w[t] = (worker){ fn, ctx, t };
        if (pthread_create(&th[t], NULL, run_worker, &w[t]) != 0) {
            rc = rs_errf(e, RS_EDATA, "cannot start thread %d of %d", t + 1, n);
            break;
        }
        started = t;
    }
    /* Even when a thread failed to start, the work is split by t: run the
     * caller's share and wait, then report. */
    if (rc == 0) fn(ctx, 0);
    for (int t = 1; t <= started; t++) pthread_join(th[t], NULL);
    free(th);
    free(w);
    return rc;
}

/* Walker's alias method (Vose's construction) over weights w[0..n). */
static void alias_table(const double *w, uint32_t n, rs_mf_alias *t)
{
    double total = 0;
    for (uint32_t i = 0; i < n; i++) total += w[i];
    double *prob = rs_xmalloc(((size_t)n + 1) * sizeof *prob);
    uint32_t *small = rs_xmalloc(((size_t)n + 1) * sizeof *small);
    uint32_t *large = rs_xmalloc(((size_t)n + 1) * sizeof *large);
    size_t ns = 0, nl = 0;
    for (uint32_t i = 0; i < n; i++) {
        prob[i] = w[i] * n / total;
        t[i].alias = i;
        if (prob[i] < 1) small[ns++] = i;
        else large[nl++] = i;
    }
    while (ns && nl) {
        uint32_t s = small[--ns], l = large[--nl];
        t[s].alias = l;
        prob[l] -= 1 - prob[s];
        if (prob[l] < 1) small[ns++] = l;
        else large[nl++] = l;
    }
    /* What is left is 1 up to rounding. */
    while (nl) prob[large[--nl]] = 1;
    while (ns) prob[small[--ns]] = 1;
    for (uint32_t i = 0; i < n; i++) t[i].p = (float)prob[i];
    free(prob);
    free(small);
    free(large);
}

double *rs_mf_noise_weights(const rs_csr *a, double exponent)
{
    double *w = rs_xcalloc((size_t)a->cols + 1, sizeof *w);
    if (exponent == 0) {
        for (uint32_t i = 0; i < a->cols; i++) w[i] = 1;
        return w;
    }
    for (uint64_t x = 0; x < a->nnz; x++) w[a->indices[x]] += 1;
    if (exponent != 1) {
        /* In logarithms, scaled by the largest weight: count^exponent
         * overflows for large exponents, either way round. */
        double top = -HUGE_VAL;
        for (uint32_t i = 0; i < a->cols; i++)
            if (w[i] > 0 && exponent * log(w[i]) > top) top = exponent * log(w[i]);
        for (uint32_t i = 0; i < a->cols; i++)
            w[i] = w[i] > 0 ? exp(exponent * log(w[i]) - top) : 0;
    }
    return w;
}

rs_mf_alias *rs_mf_alias_new(const double *w, uint32_t n)
{
    rs_mf_alias *t = rs_xmalloc(((size_t)n + 1) * sizeof *t);
    alias_table(w, n, t);
    return t;
}

rs_mf_alias *rs_mf_noise(const rs_csr *a, double exponent)
{
    if (exponent == 0 || a->nnz == 0 || a->cols == 0) return NULL;
    double *w = rs_mf_noise_weights(a, exponent);
    rs_mf_alias *t = rs_mf_alias_new(w, a->cols);
    free(w);
    return t;
}
