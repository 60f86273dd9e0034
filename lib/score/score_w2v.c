#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include "score/score_w2v.h"
#include "format/finite.h"

typedef struct w2v {
    uint32_t items, d;
    const float *in, *out;      /* views into the bundle */
    const uint64_t *count;
    const rs_csr *train;
    int mean;
    float *norm;                /* |in[i]|, 0 outside the vocabulary */
} w2v;

static void w2v_close(void *state)
{
    w2v *s = state;
    if (!s) return;
    free(s->norm);
    free(s);
}

static void *w2v_open(const rs_bundle *b, const rs_csr *train, rs_err *e)
{
    rs_block *in = rs_bundle_need(b, "w2v_in", RS_F32, train->cols, 0, e);
    if (!in) return NULL;
    if (in->cols == 0 || in->cols > 1u << 20) {
        rs_errf(e, RS_EDATA, "model: w2v_in has %llu columns", (unsigned long long)in->cols);
        return NULL;
    }
    rs_block *out = rs_bundle_need(b, "w2v_out", RS_F32, train->cols, in->cols, e);
    if (!out) return NULL;
    rs_block *cnt = rs_bundle_need(b, "w2v_count", RS_U64, train->cols, 1, e);
    if (!cnt) return NULL;
    if (rs_block_check_finite(b, "w2v_in", e) < 0 || rs_block_check_finite(b, "w2v_out", e) < 0)
        return NULL;
    const char *cm = rs_meta_get(b, "cbow_mean");
    if (cm && strcmp(cm, "0") && strcmp(cm, "1")) {
        rs_errf(e, RS_EDATA, "model: bad cbow_mean '%s'", cm);
        return NULL;
    }
    w2v *s = rs_xcalloc(1, sizeof *s);
    s->items = train->cols;
    s->d = (uint32_t)in->cols;
    s->in = in->data;
    s->out = out->data;
    s->count = cnt->data;
    s->train = train;
    s->mean = !cm || !strcmp(cm, "1");
    s->norm = rs_xcalloc((size_t)s->items + 1, sizeof *s->norm);
    for (uint32_t i = 0; i < s->items; i++)
        if (s->count[i]) s->norm[i] = cblas_snrm2((int)s->d, s->in + (size_t)i * s->d, 1);
    return s;
}

/* h = mean (or sum) of the known input vectors; returns how many there were. */
static size_t hidden(const w2v *s, const uint32_t *items, size_t n, float *h)
{
    size_t d = s->d, known = 0;
    memset(h, 0, d * sizeof *h);
    for (size_t k = 0; k < n; k++) {
        if (!s->count[items[k]]) continue;
        const float *v = s->in + (size_t)items[k] * d;
        for (size_t a = 0; a < d; a++) h[a] += v[a];
        known++;
    }
    if (known && s->mean)
        for (size_t a = 0; a < d; a++) h[a] /= (float)known;
    return known;
}

/* row holds h . out[i]: make it the softmax over the vocabulary. */
static void softmax(const w2v *s, float *row, size_t known)
{
    if (!known) {
        for (uint32_t i = 0; i < s->items; i++) row[i] = NAN;
        return;
    }
    float mx = -INFINITY;
    for (uint32_t i = 0; i < s->items; i++)
        if (s->count[i] && row[i] > mx) mx = row[i];
    /* exp(x - max): the same ratios as gensim's exp(x), without overflow. */
    double sum = 0;
    for (uint32_t i = 0; i < s->items; i++) {
        if (!s->count[i]) {
            row[i] = NAN;
            continue;
        }
        row[i] = expf(row[i] - mx);
        sum += row[i];
    }
    float inv = (float)(1 / sum);
    for (uint32_t i = 0; i < s->items; i++) row[i] *= inv;
}

static int w2v_users(void *state, const uint32_t *users, size_t nu, float *out, rs_err *e)
{
    const w2v *s = state;
    size_t d = s->d;
    if (nu == 0) return 0;
    float *h = rs_xmalloc(nu * d * sizeof *h);
    size_t *known = rs_xmalloc(nu * sizeof *known);
    const rs_csr *m = s->train;
    for (size_t r = 0; r < nu; r++) {
        uint64_t a = m->indptr[users[r]], z = m->indptr[users[r] + 1];
        known[r] = hidden(s, m->indices + a, (size_t)(z - a), h + r * d);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nu, (int)s->items, (int)d, 1.0f,
                h, (int)d, s->out, (int)d, 0.0f, out, (int)s->items);
    for (size_t r = 0; r < nu; r++) softmax(s, out + r * s->items, known[r]);
    free(h);
    free(known);
    return 0;
}

static int w2v_history(void *state, const uint32_t *items, const float *vals, size_t n,
                       float *out, rs_err *e)
{
    const w2v *s = state;
    float *h = rs_xmalloc(s->d * sizeof *h);
    size_t known = hidden(s, items, n, h);
    if (known)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)s->items, (int)s->d, 1.0f, s->out,
                    (int)s->d, h, 1, 0.0f, out, 1);
    softmax(s, out, known);
    free(h);
    return 0;
}

static int w2v_similar(void *state, uint32_t j, float *out, rs_err *e)
{
    const w2v *s = state;
    float nj = s->norm[j];
    if (!(nj > 0)) {
        for (uint32_t i = 0; i < s->items; i++) out[i] = NAN;
        return 0;
    }
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)s->items, (int)s->d, 1.0f, s->in, (int)s->d,
                s->in + (size_t)j * s->d, 1, 0.0f, out, 1);
    for (uint32_t i = 0; i < s->items; i++) {
        float q = s->norm[i] * nj;
        out[i] = q > 0 ? out[i] / q : NAN;
    }
    return 0;
}

const rs_scorer_ops rs_score_w2v_ops = {
    .name = "w2v",
    .open = w2v_open,
    .close = w2v_close,
    .users = w2v_users,
    .history = w2v_history,
    .similar = w2v_similar,
    .predict = NULL,
};
