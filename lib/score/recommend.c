/* recommend.c: the kinds of top-N query (model users, outside histories,
 * similar items) as sources for the block engine (rec_blocks.h); see
 * recommend.h. */
#include "score/recommend.h"
#include "score/rec_blocks.h"

enum { SRC_USERS, SRC_HISTORY, SRC_SIMILAR };

typedef struct query {
    rs_scorer *s;
    int kind;
    const uint32_t *ids;        /* users (NULL = all) or items, by query */
    const rs_csr *h;            /* histories */
    uint32_t nitems;
    int exclude;                /* drop the query's own items */
} query;

/* The items to mask for query q. */
static void masked(const void *src, size_t q, const uint32_t **items, size_t *n)
{
    const query *j = src;
    const rs_csr *m = NULL;
    size_t row = q;
    *items = NULL;
    *n = 0;
    if (j->kind == SRC_SIMILAR) {
        *items = &j->ids[q];
        *n = 1;
        return;
    }
    if (!j->exclude) return;
    if (j->kind == SRC_USERS) {
        m = rs_scorer_train(j->s);
        row = j->ids ? j->ids[q] : q;
    } else {
        m = j->h;
    }
    *items = m->indices + m->indptr[row];
    *n = (size_t)(m->indptr[row + 1] - m->indptr[row]);
}

static int fill(const void *src, size_t q0, size_t nq, float *scores, uint32_t *ids, rs_err *e)
{
    const query *j = src;
    size_t w = j->nitems;
    switch (j->kind) {
    case SRC_USERS: {
        const uint32_t *u = j->ids ? j->ids + q0 : ids;
        if (!j->ids)
            for (size_t k = 0; k < nq; k++) ids[k] = (uint32_t)(q0 + k);
        return rs_scorer_users(j->s, u, nq, scores, e);
    }
    case SRC_HISTORY:
        for (size_t k = 0; k < nq; k++) {
            const rs_csr *h = j->h;
            uint64_t a = h->indptr[q0 + k], b = h->indptr[q0 + k + 1];
            if (rs_scorer_history(j->s, h->indices + a, h->values + a, (size_t)(b - a),
                                  scores + k * w, e) < 0)
                return -1;
        }
        return 0;
    default:
        for (size_t k = 0; k < nq; k++)
            if (rs_scorer_similar(j->s, j->ids[q0 + k], scores + k * w, e) < 0) return -1;
        return 0;
    }
}

/* fill() restricted to items [c0, c0 + nc): model users of a kind that
 * scores by item range. */
static int fill_cols(const void *src, size_t q0, size_t nq, uint32_t c0, uint32_t nc,
                     float *scores, uint32_t *ids, rs_err *e)
{
    const query *j = src;
    const uint32_t *u = j->ids ? j->ids + q0 : ids;
    if (!j->ids)
        for (size_t k = 0; k < nq; k++) ids[k] = (uint32_t)(q0 + k);
    return rs_scorer_users_cols(j->s, u, nq, c0, nc, scores, e);
}

static int run(const query *q, size_t nq, const rs_rec_opts *o, rs_rec_emit emit, void *ctx,
               FILE *out, rs_err *e)
{
    rs_rec_src src = { .nq = nq, .nitems = q->nitems, .fill = fill, .masked = masked, .src = q };
    if (q->kind == SRC_USERS && rs_scorer_can_users_cols(q->s)) src.fill_cols = fill_cols;
    return rs_rec_blocks(&src, o, emit, ctx, out, e);
}

int rs_recommend_users(rs_scorer *s, const uint32_t *users, size_t nu, const rs_rec_opts *o,
                       rs_rec_emit emit, void *ctx, FILE *out, rs_err *e)
{
    query q = { .s = s, .kind = SRC_USERS, .ids = users, .nitems = rs_scorer_nitems(s),
                .exclude = o->exclude_seen };
    return run(&q, users ? nu : rs_scorer_train(s)->rows, o, emit, ctx, out, e);
}

int rs_recommend_history(rs_scorer *s, const rs_csr *h, const rs_rec_opts *o,
                         rs_rec_emit emit, void *ctx, FILE *out, rs_err *e)
{
    if (h->cols != rs_scorer_nitems(s))
        return rs_errf(e, RS_EDATA, "histories cover %u items, the model %u",
                       h->cols, rs_scorer_nitems(s));
    query q = { .s = s, .kind = SRC_HISTORY, .h = h, .nitems = rs_scorer_nitems(s),
                .exclude = o->exclude_seen };
    return run(&q, h->rows, o, emit, ctx, out, e);
}

int rs_recommend_similar(rs_scorer *s, const uint32_t *items, size_t nq, const rs_rec_opts *o,
                         rs_rec_emit emit, void *ctx, FILE *out, rs_err *e)
{
    if (!rs_scorer_can_similar(s))
        return rs_scorer_similar(s, 0, NULL, e);    /* for its message */
    query q = { .s = s, .kind = SRC_SIMILAR, .ids = items, .nitems = rs_scorer_nitems(s),
                .exclude = o->exclude_seen };
    return run(&q, nq, o, emit, ctx, out, e);
}
