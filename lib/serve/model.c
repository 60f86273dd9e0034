/* model.c: opening a model once for many requests, and the slot; see model.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/progress.h"
#include "format/idmap_block.h"
#include "prep/titles.h"
#include "serve/model.h"

static void model_free(rs_srv_model *m)
{
    uint32_t ni = m->train ? m->train->cols : 0;
    rs_titles_free(m->titles, ni);
    free(m->uname);
    free(m->iname);
    rs_idmap_free(m->users);
    rs_idmap_free(m->items);
    if (m->s) rs_scorer_close(m->s);
    rs_bundle_free(&m->b);
    if (m->root) rs_srv_model_unref(m->root);
    free(m);
}

static const char **strs(const rs_bundle *b, const char *name, uint64_t n, rs_err *e)
{
    rs_block *blk = rs_bundle_need(b, name, RS_STR, n, 1, e);
    return blk ? rs_block_strs(blk) : NULL;
}

rs_srv_model *rs_srv_model_open(rs_bundle *b, const char *kind, rs_srv_model *root,
                                const char *titles_path, rs_err *e)
{
    rs_srv_model *m = rs_xcalloc(1, sizeof *m);
    atomic_init(&m->refs, 1);
    m->b = *b;
    memset(b, 0, sizeof *b);
    if (root) m->root = rs_srv_model_ref(root->root ? root->root : root);
    double t0 = rs_now();
    if (!(m->s = rs_scorer_open_kind(&m->b, kind, e))) goto fail;
    m->kind = rs_scorer_kind(m->s);
    m->train = rs_scorer_train(m->s);
    if (!(m->users = rs_idmap_get(&m->b, "users", e))) goto fail;
    if (!(m->items = rs_idmap_get(&m->b, "items", e))) goto fail;
    if (!(m->uname = strs(&m->b, "users", m->train->rows, e))) goto fail;
    if (!(m->iname = strs(&m->b, "items", m->train->cols, e))) goto fail;
    for (size_t k = 0; k < m->b.n; k++) m->bytes += m->b.b[k].size;
    /* One query now, so that what a kind prepares on its first one (a
     * factor model's items in norm order) is part of opening, not of the
     * first request's latency; its answer, or error, is of no use here. */
    if (m->train->rows && m->train->cols) {
        rs_topk t;
        rs_topk_init(&t, 1);
        size_t n;
        rs_err ignored = { 0 };
        rs_scorer_user_top(m->s, 0, NULL, 0, &t, NULL, &n, &ignored);
        rs_topk_free(&t);
    }
    m->t.open = rs_now() - t0;
    if (titles_path) {
        t0 = rs_now();
        if (!(m->titles = rs_titles_read(titles_path, m->items, &m->titled, e))) goto fail;
        m->t.titles = rs_now() - t0;
    }
    return m;
fail:
    model_free(m);
    return NULL;
}

rs_srv_model *rs_srv_model_load(const char *path, const char *kind, const char *titles_path,
                                rs_err *e)
{
    rs_bundle b = { 0 };
    double t0 = rs_now();
    if (rs_bundle_load_expect(path, &b, "a model from rs-svd, rs-knn or rs-w2v "
                              "(or a matrix from rs-index)", e) < 0) {
        rs_bundle_free(&b);
        return NULL;
    }
    double read = rs_now() - t0;
    rs_srv_model *m = rs_srv_model_open(&b, kind, NULL, titles_path, e);
    if (!m) return NULL;
    m->t.read = read;
    snprintf(m->source, sizeof m->source, "%s", path);
    return m;
}

rs_srv_model *rs_srv_model_ref(rs_srv_model *m)
{
    atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    return m;
}

void rs_srv_model_unref(rs_srv_model *m)
{
    if (!m) return;
    /* acq_rel: the last owner sees every other owner's use finished. */
    if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1) model_free(m);
}

void rs_srv_slot_init(rs_srv_slot *s, rs_srv_model *m)
{
    pthread_mutex_init(&s->mu, NULL);
    m->version = 1;
    s->cur = m;
    s->swaps = 0;
}

void rs_srv_slot_free(rs_srv_slot *s)
{
    rs_srv_model_unref(s->cur);
    s->cur = NULL;
    pthread_mutex_destroy(&s->mu);
}

rs_srv_model *rs_srv_slot_get(rs_srv_slot *s)
{
    pthread_mutex_lock(&s->mu);
    rs_srv_model *m = rs_srv_model_ref(s->cur);
    pthread_mutex_unlock(&s->mu);
    return m;
}

void rs_srv_slot_swap(rs_srv_slot *s, rs_srv_model *m)
{
    pthread_mutex_lock(&s->mu);
    rs_srv_model *old = s->cur;
    m->version = old->version + 1;
    s->cur = m;
    s->swaps++;
    pthread_mutex_unlock(&s->mu);
    rs_srv_model_unref(old);
}
