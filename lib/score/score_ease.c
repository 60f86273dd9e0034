#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "score/score_ease.h"

typedef struct ease {
    uint32_t items;
    int binary;
    const float *w;             /* view: items x items */
    rs_csr train;               /* view */
} ease;

static void *ease_open(const rs_bundle *b, const rs_csr *train, rs_err *e)
{
    rs_block *blk = rs_bundle_need(b, "ease_weights", RS_F32, train->cols, train->cols, e);
    if (!blk) return NULL;
    const char *bin = rs_meta_get(b, "binary");
    if (bin && strcmp(bin, "0") != 0 && strcmp(bin, "1") != 0) {
        rs_errf(e, RS_EDATA, "model: bad binary '%s' (0 or 1)", bin);
        return NULL;
    }
    ease *m = rs_xmalloc(sizeof *m);
    m->items = train->cols;
    m->binary = bin && bin[0] == '1';
    m->w = blk->data;
    m->train = *train;
    return m;
}

static void ease_close(void *state)
{
    free(state);
}

/* out = sum over the pairs of v[k] B[items[k]][.]; a repeated item adds its
 * values, and with binary it counts once, as in the fit (seen: an items-long
 * scratch of zeros, left zeroed). */
static void combine(const ease *m, const uint32_t *items, const float *vals, size_t n,
                    unsigned char *seen, float *out)
{
    size_t ni = m->items;
    memset(out, 0, ni * sizeof *out);
    for (size_t k = 0; k < n; k++) {
        if (m->binary) {
            if (seen[items[k]]) continue;
            seen[items[k]] = 1;
        }
        float v = m->binary ? 1.0f : vals[k];
        const float *row = m->w + (size_t)items[k] * ni;
        for (size_t j = 0; j < ni; j++) out[j] += v * row[j];
    }
    if (m->binary)
        for (size_t k = 0; k < n; k++) seen[items[k]] = 0;
}

static int ease_users(void *state, const uint32_t *users, size_t nu, float *out, rs_err *e)
{
    const ease *m = state;
    unsigned char *seen = rs_xcalloc(m->items ? m->items : 1, 1);
    for (size_t k = 0; k < nu; k++) {
        uint64_t lo = m->train.indptr[users[k]], hi = m->train.indptr[users[k] + 1];
        combine(m, m->train.indices + lo, m->train.values + lo, hi - lo, seen,
                out + k * m->items);
    }
    free(seen);
    return 0;
}

static int ease_history(void *state, const uint32_t *items, const float *vals, size_t n,
                        float *out, rs_err *e)
{
    const ease *m = state;
    unsigned char *seen = rs_xcalloc(m->items ? m->items : 1, 1);
    combine(m, items, vals, n, seen, out);
    free(seen);
    return 0;
}

static int ease_similar(void *state, uint32_t j, float *out, rs_err *e)
{
    const ease *m = state;
    memcpy(out, m->w + (size_t)j * m->items, m->items * sizeof *out);
    return 0;
}

const rs_scorer_ops rs_score_ease_ops = {
    .name = "ease",
    .open = ease_open,
    .close = ease_close,
    .users = ease_users,
    .history = ease_history,
    .similar = ease_similar,
    .predict = NULL,        /* scores rank items; they are not ratings */
};
