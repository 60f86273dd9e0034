#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "common/num.h"
#include "model/knn.h"
#include "model/knn_bundle.h"
#include "score/score_knn.h"
#include "format/finite.h"
#include "common/topk.h"

typedef struct knn {
    int item_model;
    uint32_t users, items, k;
    int binary, count;
    rs_csr train;               /* view: the training matrix, raw values */
    rs_csr nbr;                 /* view: the neighbour rows */
    /* How the model measured similarity, built on first use: an item
     * model's --user queries on raw values never need it, and at ML-20M
     * size building it took 2 of the 2.1 s such a query took. */
    rs_knn_opts opts;
    pthread_mutex_t lock;       /* the ops run on several threads */
    int built;
    rs_knn_space space;
} knn;

/* The space, built once whichever thread asks first; NULL on failure. */
static const rs_knn_space *space(knn *m, rs_err *e)
{
    pthread_mutex_lock(&m->lock);
    int ok = m->built || rs_knn_space_build(&m->train, &m->opts, &m->space, e) == 0;
    if (ok) m->built = 1;
    else if (e->code == RS_EUSAGE) e->code = RS_EDATA;
    pthread_mutex_unlock(&m->lock);
    return ok ? &m->space : NULL;
}

static void knn_close(void *state)
{
    knn *m = state;
    if (!m) return;
    if (m->built) rs_knn_space_free(&m->space);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static int meta_double(const rs_bundle *b, const char *key, double *v, rs_err *e)
{
    const char *s = rs_meta_get(b, key);
    if (!s) return 0;
    const char *why;
    if (rs_num_f64(s, strlen(s), v, &why) < 0)
        return rs_errf(e, RS_EDATA, "model: bad %s '%s' (%s)", key, s, why);
    return 0;
}

static int read_meta(knn *m, const rs_bundle *b, rs_knn_opts *o, rs_err *e)
{
    const char *s;
    rs_knn_defaults(o);
    o->items = m->item_model;
    if ((s = rs_meta_get(b, "sim")) && (o->sim = rs_knn_sim_parse(s)) < 0)
        return rs_errf(e, RS_EDATA, "model: unknown sim '%s'", s);
    if ((s = rs_meta_get(b, "weight")) && (o->weight = rs_knn_weight_parse(s)) < 0)
        return rs_errf(e, RS_EDATA, "model: unknown weight '%s'", s);
    if ((s = rs_meta_get(b, "binary"))) {
        if (strcmp(s, "0") && strcmp(s, "1")) return rs_errf(e, RS_EDATA, "model: bad binary '%s'", s);
        o->binary = s[0] == '1';
    }
    if ((s = rs_meta_get(b, "score"))) {
        if (strcmp(s, "sum") && strcmp(s, "count"))
            return rs_errf(e, RS_EDATA, "model: bad score '%s'", s);
        m->count = !strcmp(s, "count");
    }
    double k = 0;
    if (meta_double(b, "bm25_k1", &o->bm25_k1, e) < 0 || meta_double(b, "bm25_b", &o->bm25_b, e) < 0 ||
        meta_double(b, "k", &k, e) < 0)
        return -1;
    if (k < 0 || k > UINT32_MAX || k != floor(k)) return rs_errf(e, RS_EDATA, "model: bad k");
    m->k = (uint32_t)k;
    m->binary = o->binary;
    if (rs_knn_check(o, e) < 0) {
        e->code = RS_EDATA;
        return -1;
    }
    return 0;
}

static void *knn_open(const rs_bundle *b, const rs_csr *train, int item_model, rs_err *e)
{
    knn *m = rs_xcalloc(1, sizeof *m);
    m->item_model = item_model;
    m->users = train->rows;
    m->items = train->cols;
    m->train = *train;
    pthread_mutex_init(&m->lock, NULL);
    if (read_meta(m, b, &m->opts, e) < 0 ||
        rs_knn_get(b, item_model, item_model ? m->items : m->users, &m->nbr, e) < 0) {
        knn_close(m);
        return NULL;
    }
    if (!m->k)          /* no meta k: the longest row is what was asked for */
        for (uint32_t r = 0; r < m->nbr.rows; r++) {
            uint64_t l = m->nbr.indptr[r + 1] - m->nbr.indptr[r];
            if (l > m->k) m->k = (uint32_t)l;
        }
    return m;
}

static void *item_open(const rs_bundle *b, const rs_csr *train, rs_err *e)
{ return knn_open(b, train, 1, e); }
static void *user_open(const rs_bundle *b, const rs_csr *train, rs_err *e)
{ return knn_open(b, train, 0, e); }

static void fill_nan(float *out, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) out[i] = NAN;
}

/* out[i] += w, where NAN means "nothing yet". */
static inline void add(float *out, uint32_t i, float w)
{
    out[i] = isnan(out[i]) ? w : out[i] + w;
}

/* knn-item: out = sum over (j, v) of v * row j of the neighbour matrix. */
static void item_score(const knn *m, const uint32_t *items, const float *vals, size_t n, float *out)
{
    fill_nan(out, m->items);
    for (size_t t = 0; t < n; t++) {
        uint32_t j = items[t];
        float v = vals ? vals[t] : 1.0f;
        for (uint64_t p = m->nbr.indptr[j]; p < m->nbr.indptr[j + 1]; p++)
            add(out, m->nbr.indices[p], v * m->nbr.values[p]);
    }
}

static int item_users(void *state, const uint32_t *users, size_t nu, float *out, rs_err *e)
{
    knn *m = state;
    const rs_knn_space *sp = m->binary ? space(m, e) : NULL;
    if (m->binary && !sp) return -1;
    for (size_t k = 0; k < nu; k++) {
        uint32_t u = users[k];
        float *row = out + k * (size_t)m->items;
        if (m->binary) {
            /* Each distinct item once: the space's user side has them. */
            const rs_csr *ut = &sp->xt;
            item_score(m, ut->indices + ut->indptr[u], NULL,
                       (size_t)(ut->indptr[u + 1] - ut->indptr[u]), row);
        } else {
            /* Raw entries: a repeated item adds twice, as summing it would. */
            item_score(m, m->train.indices + m->train.indptr[u], m->train.values + m->train.indptr[u],
                       (size_t)(m->train.indptr[u + 1] - m->train.indptr[u]), row);
        }
    }
    return 0;
}

static int item_history(void *state, const uint32_t *items, const float *vals, size_t n,
                        float *out, rs_err *e)
{
    const knn *m = state;
    if (!m->binary) {
        item_score(m, items, vals, n, out);
        return 0;
    }
    /* Binary: each distinct item counts once, however often it is listed. */
    uint32_t *u = rs_xmalloc((n ? n : 1) * sizeof *u);
    size_t w = 0;
    unsigned char *seen = rs_xcalloc((size_t)m->items + 1, 1);
    for (size_t t = 0; t < n; t++)
        if (!seen[items[t]]) {
            seen[items[t]] = 1;
            u[w++] = items[t];
        }
    free(seen);
    item_score(m, u, NULL, w, out);
    free(u);
    return 0;
}

static int item_similar(void *state, uint32_t j, float *out, rs_err *e)
{
    const rs_knn_space *sp = space(state, e);
    if (!sp) return -1;
    const rs_csr *x = &sp->x;
    rs_knn_similarities(sp, x->indices + x->indptr[j], x->values + x->indptr[j],
                        (size_t)(x->indptr[j + 1] - x->indptr[j]), out);
    return 0;
}

/* rp3: the stored row j, best first, NAN where it holds nothing. */
static int stored_similar(void *state, uint32_t j, float *out, rs_err *e)
{
    const knn *m = state;
    fill_nan(out, m->items);
    for (uint64_t p = m->nbr.indptr[j]; p < m->nbr.indptr[j + 1]; p++)
        out[m->nbr.indices[p]] = m->nbr.values[p];
    return 0;
}

/* knn-user: out = sum over neighbours (v, s) of s (or 1) on v's items. */
static void user_score(const knn *m, const rs_knn_space *sp, const uint32_t *nb, const float *sim,
                       size_t n, float *out)
{
    const rs_csr *x = &sp->x;    /* users x distinct items */
    fill_nan(out, m->items);
    for (size_t t = 0; t < n; t++) {
        uint32_t v = nb[t];
        float w = m->count ? 1.0f : sim[t];
        for (uint64_t p = x->indptr[v]; p < x->indptr[v + 1]; p++) add(out, x->indices[p], w);
    }
}

static int user_users(void *state, const uint32_t *users, size_t nu, float *out, rs_err *e)
{
    knn *m = state;
    const rs_knn_space *sp = space(m, e);
    if (!sp) return -1;
    for (size_t k = 0; k < nu; k++) {
        uint32_t u = users[k];
        uint64_t a = m->nbr.indptr[u], b = m->nbr.indptr[u + 1];
        user_score(m, sp, m->nbr.indices + a, m->nbr.values + a, (size_t)(b - a),
                   out + k * (size_t)m->items);
    }
    return 0;
}

static int user_history(void *state, const uint32_t *items, const float *vals, size_t n,
                        float *out, rs_err *e)
{
    knn *m = state;
    const rs_knn_space *sp = space(m, e);
    if (!sp) return -1;
    uint32_t *idx = rs_xmalloc((n ? n : 1) * sizeof *idx);
    float *val = rs_xmalloc((n ? n : 1) * sizeof *val);
    for (size_t t = 0; t < n; t++) {
        idx[t] = items[t];
        val[t] = vals ? vals[t] : 1.0f;
    }
    size_t w = rs_knn_vector(sp, idx, val, n);
    float *sim = rs_xmalloc(((size_t)m->users + 1) * sizeof *sim);
    rs_knn_similarities(sp, idx, val, w, sim);
    free(idx);
    free(val);
    rs_topk top;
    rs_topk_init(&top, m->k);
    for (uint32_t v = 0; v < m->users; v++) rs_topk_push(&top, sim[v], v);    /* NAN: skipped */
    free(sim);
    size_t got = rs_topk_sorted(&top);
    user_score(m, sp, top.idx, top.score, got, out);
    rs_topk_free(&top);
    return 0;
}

const rs_scorer_ops rs_score_knn_item_ops = {
    .name = "knn-item",
    .open = item_open,
    .close = knn_close,
    .users = item_users,
    .history = item_history,
    .similar = item_similar,
    .predict = NULL,        /* sums of similarities are not ratings */
};

const rs_scorer_ops rs_score_knn_user_ops = {
    .name = "knn-user",
    .open = user_open,
    .close = knn_close,
    .users = user_users,
    .history = user_history,
    .similar = NULL,        /* a user model holds no item-item similarity */
    .predict = NULL,
};

const rs_scorer_ops rs_score_rp3_ops = {
    .name = "rp3",
    .open = item_open,
    .close = knn_close,
    .users = item_users,
    .history = item_history,
    .similar = stored_similar,
    .predict = NULL,        /* walk probabilities are not ratings */
};
