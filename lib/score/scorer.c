/* scorer.c: the registry of model kinds behind scorer.h.
 *
 * A kind is found by the bundle's meta model= value in one constant table;
 * adding a kind is one #include and one line here, and no program changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "score/scorer.h"
#include "score/recommend.h"
#include "score/score_factors.h"
#include "score/score_popular.h"
#include "score/score_knn.h"
#include "score/score_w2v.h"
#include "score/score_ease.h"

struct rs_scorer {
    const rs_scorer_ops *ops;
    const char *kind;       /* the name it was opened as (static storage) */
    void *state;
    rs_csr train;           /* a view into the bundle */
};

static const struct kind {
    const char *name;
    const rs_scorer_ops *ops;
} kinds[] = {
    /* Every factor model is scored as P[u].Q[i] + biases. */
    { "svd", &rs_score_factors_ops },
    { "funk", &rs_score_factors_ops },
    { "als", &rs_score_factors_ops },
    { "bpr", &rs_score_factors_ops },
    { "hybrid", &rs_score_factors_ops },
    { "popular", &rs_score_popular_ops },
    { "knn-item", &rs_score_knn_item_ops },
    { "knn-user", &rs_score_knn_user_ops },
    { "w2v", &rs_score_w2v_ops },
    { "ease", &rs_score_ease_ops },
    { "rp3", &rs_score_rp3_ops },
};

static const struct kind *find_kind(const char *name)
{
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (strcmp(kinds[k].name, name) == 0) return &kinds[k];
    return NULL;
}

rs_scorer *rs_scorer_open_kind(const rs_bundle *b, const char *kind, rs_err *e)
{
    if (!kind) kind = rs_meta_get(b, "model");
    /* A bare matrix from rs-index is a model too: the popularity baseline. */
    if (!kind) kind = "popular";
    const struct kind *k = find_kind(kind);
    if (!k) {
        char known[256] = "";
        for (size_t j = 0; j < sizeof kinds / sizeof kinds[0]; j++) {
            size_t len = strlen(known);
            snprintf(known + len, sizeof known - len, "%s%s", j ? ", " : "", kinds[j].name);
        }
        rs_errf(e, RS_EDATA, "unknown model kind '%s' (this build knows %s)", kind, known);
        return NULL;
    }
    rs_scorer *s = rs_xcalloc(1, sizeof *s);
    s->ops = k->ops;
    s->kind = k->name;
    if (rs_csr_get(b, &s->train, e) < 0) {
        char msg[sizeof e->msg];
        snprintf(msg, sizeof msg, "%s", e->msg);
        rs_errf(e, RS_EDATA, "model has no usable training matrix: %s", msg);
        free(s);
        return NULL;
    }
    s->state = s->ops->open(b, &s->train, e);
    if (!s->state) {
        free(s);
        return NULL;
    }
    return s;
}

rs_scorer *rs_scorer_open(const rs_bundle *b, rs_err *e)
{
    return rs_scorer_open_kind(b, NULL, e);
}

rs_scorer *rs_scorer_wrap(const rs_scorer_ops *ops, const char *kind, void *state,
                          const rs_csr *train)
{
    rs_scorer *s = rs_xcalloc(1, sizeof *s);
    s->ops = ops;
    s->kind = kind;
    s->state = state;
    s->train = *train;
    return s;
}

void rs_scorer_close(rs_scorer *s)
{
    if (!s) return;
    s->ops->close(s->state);
    free(s);
}

const char *rs_scorer_kind(const rs_scorer *s) { return s->kind; }
const rs_csr *rs_scorer_train(const rs_scorer *s) { return &s->train; }
uint32_t rs_scorer_nitems(const rs_scorer *s) { return s->train.cols; }
int rs_scorer_can_similar(const rs_scorer *s) { return s->ops->similar != NULL; }
int rs_scorer_can_predict(const rs_scorer *s) { return s->ops->predict != NULL; }

int rs_scorer_users(rs_scorer *s, const uint32_t *users, size_t nu, float *out, rs_err *e)
{
    for (size_t k = 0; k < nu; k++)
        if (users[k] >= s->train.rows)
            return rs_errf(e, RS_EDATA, "user index %u out of range (%u users)",
                           users[k], s->train.rows);
    return s->ops->users(s->state, users, nu, out, e);
}

int rs_scorer_can_users_cols(const rs_scorer *s) { return s->ops->users_cols != NULL; }

int rs_scorer_users_cols(rs_scorer *s, const uint32_t *users, size_t nu, uint32_t c0,
                         uint32_t nc, float *out, rs_err *e)
{
    if (!s->ops->users_cols || c0 > s->train.cols || nc > s->train.cols - c0)
        return rs_errf(e, RS_EUSAGE, "no scores by item range for this model");
    for (size_t k = 0; k < nu; k++)
        if (users[k] >= s->train.rows)
            return rs_errf(e, RS_EDATA, "user index %u out of range (%u users)",
                           users[k], s->train.rows);
    return s->ops->users_cols(s->state, users, nu, c0, nc, out, e);
}

int rs_scorer_user_top(rs_scorer *s, uint32_t user, const uint32_t *mask, size_t nmask,
                       rs_topk *t, float *row, size_t *n, rs_err *e)
{
    if (user >= s->train.rows)
        return rs_errf(e, RS_EDATA, "user index %u out of range (%u users)", user,
                       s->train.rows);
    if (s->ops->user_top) return s->ops->user_top(s->state, user, mask, nmask, t, n, e);
    float *mine = row ? NULL : rs_xmalloc(((size_t)s->train.cols + 1) * sizeof *mine);
    if (!row) row = mine;
    int rc = s->ops->users(s->state, &user, 1, row, e);
    if (rc == 0) *n = rs_rec_top_row(t, row, s->train.cols, mask, nmask);
    free(mine);
    return rc;
}

int rs_scorer_history(rs_scorer *s, const uint32_t *items, const float *vals, size_t n,
                      float *out, rs_err *e)
{
    if (!s->ops->history)
        return rs_errf(e, RS_EUSAGE, "a %s model cannot score users outside it", s->kind);
    for (size_t k = 0; k < n; k++)
        if (items[k] >= s->train.cols)
            return rs_errf(e, RS_EDATA, "item index %u out of range (%u items)",
                           items[k], s->train.cols);
    return s->ops->history(s->state, items, vals, n, out, e);
}

int rs_scorer_similar(rs_scorer *s, uint32_t j, float *out, rs_err *e)
{
    if (!s->ops->similar)
        return rs_errf(e, RS_EUSAGE, "a %s model has no notion of item similarity", s->kind);
    if (j >= s->train.cols)
        return rs_errf(e, RS_EDATA, "item index %u out of range (%u items)", j, s->train.cols);
    return s->ops->similar(s->state, j, out, e);
}

int rs_scorer_predict(rs_scorer *s, const int64_t *users, const int64_t *items, size_t n,
                      float *out, rs_err *e)
{
    if (!s->ops->predict)
        return rs_errf(e, RS_EUSAGE, "a %s model does not predict ratings "
                       "(factor models from rs-svd do)", s->kind);
    for (size_t k = 0; k < n; k++)
        if (users[k] >= (int64_t)s->train.rows || items[k] >= (int64_t)s->train.cols ||
            users[k] < -1 || items[k] < -1)
            return rs_errf(e, RS_EDATA, "pair %zu: index out of range", k);
    return s->ops->predict(s->state, users, items, n, out, e);
}
