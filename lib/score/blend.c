/* blend.c: several scorers as one (blend.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "score/blend.h"

typedef struct blend {
    size_t n;
    rs_scorer **s;
    double *w;
    int method;
    double rrf_k;
    uint32_t items;
    long solo;          /* the one weighted model, or -1 */
} blend;

/* One scorer call, whatever the query kind. */
enum { Q_USERS, Q_HISTORY, Q_SIMILAR };
typedef struct call {
    int kind;
    const uint32_t *users;
    size_t nu;
    const uint32_t *items;
    const float *vals;
    size_t n;
    uint32_t j;
} call;

static int score(rs_scorer *s, const call *c, float *out, rs_err *e)
{
    switch (c->kind) {
    case Q_USERS: return rs_scorer_users(s, c->users, c->nu, out, e);
    case Q_HISTORY: return rs_scorer_history(s, c->items, c->vals, c->n, out, e);
    default: return rs_scorer_similar(s, c->j, out, e);
    }
}

typedef struct ranked {
    float s;
    uint32_t i;
} ranked;

/* Best first, ties to the smaller index: the order of the lists. */
static int by_score(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->s != y->s) return x->s > y->s ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* acc += w * (row normalized); some[i] = 1 where the row has a finite score. */
static void add_row(const blend *bl, double w, const float *row, float *acc,
                    unsigned char *some, ranked *rk)
{
    uint32_t ni = bl->items;
    if (bl->method == RS_BLEND_RRF) {
        size_t m = 0;
        for (uint32_t i = 0; i < ni; i++)
            if (isfinite(row[i])) rk[m++] = (ranked){ row[i], i };
        qsort(rk, m, sizeof *rk, by_score);
        for (size_t r = 0; r < m; r++) {
            acc[rk[r].i] += (float)(w / (bl->rrf_k + (double)(r + 1)));
            some[rk[r].i] = 1;
        }
        return;
    }
    double sum = 0, sq = 0, lo = INFINITY, hi = -INFINITY;
    size_t m = 0;
    for (uint32_t i = 0; i < ni; i++) {
        if (!isfinite(row[i])) continue;
        double x = row[i];
        sum += x;
        sq += x * x;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
        m++;
    }
    if (m == 0) return;
    double base, scale;
    if (bl->method == RS_BLEND_SCORE) {
        base = sum / (double)m;
        double var = sq / (double)m - base * base;
        scale = var > 0 ? 1 / sqrt(var) : 0;
    } else {
        base = lo;
        scale = hi > lo ? 1 / (hi - lo) : 0;
    }
    double low = (lo - base) * scale;
    for (uint32_t i = 0; i < ni; i++) {
        int fin = isfinite(row[i]);
        acc[i] += (float)(w * (fin ? ((double)row[i] - base) * scale : low));
        some[i] |= (unsigned char)fin;
    }
}

/* rows score rows of the call into out (rows x items). */
static int combine(const blend *bl, const call *c, size_t rows, float *out, rs_err *e)
{
    if (bl->solo >= 0) return score(bl->s[bl->solo], c, out, e);
    size_t ni = bl->items, len = rows * ni;
    float *tmp = rs_xmalloc((len ? len : 1) * sizeof *tmp);
    unsigned char *some = rs_xcalloc(len ? len : 1, 1);
    ranked *rk = bl->method == RS_BLEND_RRF ? rs_xmalloc((ni ? ni : 1) * sizeof *rk) : NULL;
    int rc = 0;
    memset(out, 0, len * sizeof *out);
    for (size_t k = 0; k < bl->n && rc == 0; k++) {
        if (bl->w[k] == 0) continue;
        if ((rc = score(bl->s[k], c, tmp, e)) < 0) break;
        for (size_t r = 0; r < rows; r++)
            add_row(bl, bl->w[k], tmp + r * ni, out + r * ni, some + r * ni, rk);
    }
    for (size_t i = 0; i < len; i++)
        if (!some[i]) out[i] = NAN;
    free(rk);
    free(some);
    free(tmp);
    return rc;
}

static int blend_users(void *state, const uint32_t *users, size_t nu, float *out, rs_err *e)
{
    call c = { .kind = Q_USERS, .users = users, .nu = nu };
    return combine(state, &c, nu, out, e);
}

static int blend_history(void *state, const uint32_t *items, const float *vals, size_t n,
                         float *out, rs_err *e)
{
    call c = { .kind = Q_HISTORY, .items = items, .vals = vals, .n = n };
    return combine(state, &c, 1, out, e);
}

static int blend_similar(void *state, uint32_t j, float *out, rs_err *e)
{
    call c = { .kind = Q_SIMILAR, .j = j };
    return combine(state, &c, 1, out, e);
}

static void blend_close(void *state)
{
    blend *bl = state;
    if (!bl) return;
    for (size_t k = 0; k < bl->n; k++) rs_scorer_close(bl->s[k]);
    free(bl->s);
    free(bl->w);
    free(bl);
}

static const rs_scorer_ops blend_ops = {
    .name = "blend", .close = blend_close, .users = blend_users, .history = blend_history,
};
static const rs_scorer_ops blend_similar_ops = {
    .name = "blend", .close = blend_close, .users = blend_users, .history = blend_history,
    .similar = blend_similar,
};

int rs_blend_method(const char *name)
{
    if (strcmp(name, "score") == 0) return RS_BLEND_SCORE;
    if (strcmp(name, "minmax") == 0) return RS_BLEND_MINMAX;
    if (strcmp(name, "rrf") == 0) return RS_BLEND_RRF;
    return -1;
}

/* Whether b0 and b1 hold the same strings block (ids in the same order). */
static int same_ids(const rs_bundle *b0, const rs_bundle *b1, const char *name)
{
    const rs_block *x = rs_bundle_get(b0, name), *y = rs_bundle_get(b1, name);
    if (!x || !y) return !x && !y;
    return x->rows == y->rows && x->size == y->size && memcmp(x->data, y->data, x->size) == 0;
}

static int same_matrix(const rs_csr *a, const rs_csr *b)
{
    return a->rows == b->rows && a->cols == b->cols && a->nnz == b->nnz &&
           memcmp(a->indptr, b->indptr, ((size_t)a->rows + 1) * sizeof *a->indptr) == 0 &&
           memcmp(a->indices, b->indices, (size_t)a->nnz * sizeof *a->indices) == 0;
}

rs_scorer *rs_blend_open(const rs_bundle *const *b, const char *const *labels, size_t n,
                         const rs_blend_opts *o, rs_err *e)
{
    double total = 0;
    if (n == 0) {
        rs_errf(e, RS_EUSAGE, "a blend needs at least one model");
        return NULL;
    }
    if (o->method != RS_BLEND_SCORE && o->method != RS_BLEND_MINMAX &&
        o->method != RS_BLEND_RRF) {
        rs_errf(e, RS_EUSAGE, "unknown blend method %d", o->method);
        return NULL;
    }
    if (o->method == RS_BLEND_RRF && !(o->rrf_k > 0 && isfinite(o->rrf_k))) {
        rs_errf(e, RS_EUSAGE, "rrf: K must be a positive number (got %g)", o->rrf_k);
        return NULL;
    }
    for (size_t k = 0; o->weights && k < n; k++) {
        if (!(o->weights[k] >= 0 && isfinite(o->weights[k]))) {
            rs_errf(e, RS_EUSAGE, "weight %zu (%g) is not a number >= 0", k + 1, o->weights[k]);
            return NULL;
        }
        total += o->weights[k];
    }
    if (o->weights && total <= 0) {
        rs_errf(e, RS_EUSAGE, "the weights are all 0");
        return NULL;
    }
    for (size_t k = 1; k < n; k++) {
        const char *what = !same_ids(b[0], b[k], "items") ? "items"
                         : !same_ids(b[0], b[k], "users") ? "users" : NULL;
        if (what) {
            rs_errf(e, RS_EDATA, "%s and %s have different %s (the models of a blend must "
                    "come from the same matrix of rs-index)", labels[0], labels[k], what);
            return NULL;
        }
    }
    blend *bl = rs_xcalloc(1, sizeof *bl);
    bl->s = rs_xcalloc(n, sizeof *bl->s);
    bl->w = rs_xmalloc(n * sizeof *bl->w);
    bl->method = o->method;
    bl->rrf_k = o->rrf_k;
    bl->solo = -1;
    size_t weighted = 0;
    int similar = 1;
    for (size_t k = 0; k < n; k++) {
        bl->w[k] = o->weights ? o->weights[k] : 1.0;
        bl->s[k] = rs_scorer_open(b[k], e);
        bl->n = k + (bl->s[k] != NULL);
        if (!bl->s[k]) {
            char msg[sizeof e->msg];
            snprintf(msg, sizeof msg, "%s", e->msg);
            rs_errf(e, e->code, "%s: %s", labels[k], msg);
            goto fail;
        }
        if (k && !same_matrix(rs_scorer_train(bl->s[0]), rs_scorer_train(bl->s[k]))) {
            const rs_csr *t0 = rs_scorer_train(bl->s[0]), *t1 = rs_scorer_train(bl->s[k]);
            rs_errf(e, RS_EDATA, "%s and %s have different training matrices (%llu and %llu "
                    "interactions; the models of a blend must come from the same matrix of "
                    "rs-index)", labels[0], labels[k], (unsigned long long)t0->nnz,
                    (unsigned long long)t1->nnz);
            goto fail;
        }
        if (bl->w[k] > 0) {
            weighted++;
            bl->solo = (long)k;
            similar &= rs_scorer_can_similar(bl->s[k]);
        }
    }
    if (weighted != 1) bl->solo = -1;
    bl->items = rs_scorer_nitems(bl->s[0]);
    return rs_scorer_wrap(similar ? &blend_similar_ops : &blend_ops, "blend", bl,
                          rs_scorer_train(bl->s[0]));
fail:
    blend_close(bl);
    return NULL;
}
