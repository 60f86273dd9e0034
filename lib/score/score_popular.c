#include <stdlib.h>
#include <string.h>
#include "score/score_popular.h"
#include "format/finite.h"

typedef struct popular {
    uint32_t items;
    float *count;           /* distinct training users per item */
} popular;

static void *pop_open(const rs_bundle *b, const rs_csr *train, rs_err *e)
{
    /* Counts ignore the values, but a matrix holding NaN is broken, and
     * every other kind would be misled by it: say so here too. */
    if (rs_block_check_finite(b, "values", e) < 0) return NULL;
    popular *p = rs_xmalloc(sizeof *p);
    p->items = train->cols;
    p->count = rs_xcalloc(train->cols ? train->cols : 1, sizeof *p->count);
    /* A matrix may hold an item twice in a row (re-ratings kept by
     * rs-index); the user still counts once.  last[i] = last row + 1. */
    uint32_t *last = rs_xcalloc(train->cols ? train->cols : 1, sizeof *last);
    for (uint32_t r = 0; r < train->rows; r++)
        for (uint64_t q = train->indptr[r]; q < train->indptr[r + 1]; q++) {
            uint32_t i = train->indices[q];
            if (last[i] != r + 1) {
                last[i] = r + 1;
                p->count[i] += 1;
            }
        }
    free(last);
    return p;
}

static void pop_close(void *state)
{
    popular *p = state;
    if (!p) return;
    free(p->count);
    free(p);
}

static int pop_users(void *state, const uint32_t *users, size_t nu, float *out, rs_err *e)
{
    const popular *p = state;
    for (size_t k = 0; k < nu; k++)
        memcpy(out + k * p->items, p->count, p->items * sizeof *out);
    return 0;
}

static int pop_history(void *state, const uint32_t *items, const float *vals, size_t n,
                       float *out, rs_err *e)
{
    const popular *p = state;
    memcpy(out, p->count, p->items * sizeof *out);
    return 0;
}

const rs_scorer_ops rs_score_popular_ops = {
    .name = "popular",
    .open = pop_open,
    .close = pop_close,
    .users = pop_users,
    .history = pop_history,
    .similar = NULL,        /* popularity says nothing about which items are alike */
    .predict = NULL,
};
