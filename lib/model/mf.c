#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "format/layout.h"
#include "common/num.h"
#include "model/mf.h"

/* n zeroed floats on a cache line's start: a threaded trainer that gives
 * each thread whole groups of 16 rows (16 floats: one line) then shares
 * no line between threads. */
static float *zalloc_lines(size_t n)
{
    size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
    float *p = aligned_alloc(64, bytes ? bytes : 64);
    if (!p) p = rs_xmalloc(SIZE_MAX);   /* reports out of memory and exits */
    memset(p, 0, bytes ? bytes : 64);
    return p;
}

void rs_mf_alloc(rs_mf *m, uint32_t users, uint32_t items, int k, int user_bias, int item_bias)
{
    memset(m, 0, sizeof *m);
    m->users = users;
    m->items = items;
    m->k = k;
    m->P = zalloc_lines((size_t)users * k + 1);
    m->Q = zalloc_lines((size_t)items * k + 1);
    if (user_bias) m->bu = zalloc_lines((size_t)users + 1);
    if (item_bias) m->bi = zalloc_lines((size_t)items + 1);
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

static int parse_double(const char *s, double *v)
{
    const char *why;
    return rs_num_f64(s, strlen(s), v, &why);
}

int rs_mf_meta_global_bias(const rs_bundle *b, double *g, rs_err *e)
{
    const char *s = rs_meta_get(b, "global_bias");
    if (!s) return 0;
    if (parse_double(s, g) < 0) return rs_errf(e, RS_EDATA, "model: bad global_bias '%s'", s);
    return 1;
}

int rs_mf_meta_range(const rs_bundle *b, double *lo, double *hi, rs_err *e)
{
    const char *s = rs_meta_get(b, "range");
    if (!s) return 0;
    const char *comma = strchr(s, ',');
    char first[64];
    size_t n = comma ? (size_t)(comma - s) : 0;
    if (!comma || n >= sizeof first) return rs_errf(e, RS_EDATA, "model: bad range '%s'", s);
    memcpy(first, s, n);
    first[n] = '\0';
    if (parse_double(first, lo) < 0 || parse_double(comma + 1, hi) < 0 || *lo > *hi)
        return rs_errf(e, RS_EDATA, "model: bad range '%s'", s);
    return 1;
}

void rs_mf_meta_u64(rs_bundle *b, const char *key, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    rs_meta_set(b, key, buf);
}

void rs_mf_put(rs_mf *m, const char *kind, rs_bundle *b)
{
    /* A stale range= would clamp, a stale alpha= change the fold-in. */
    rs_layout_start_model(b);
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

rs_alias *rs_mf_noise(const rs_csr *a, double exponent)
{
    if (exponent == 0 || a->nnz == 0 || a->cols == 0) return NULL;
    double *w = rs_mf_noise_weights(a, exponent);
    rs_alias *t = rs_alias_new(w, a->cols);
    free(w);
    return t;
}
