#include <stdlib.h>
#include "common/err.h"
#include "common/topk.h"

void rs_topk_init(rs_topk *t, size_t cap)
{
    t->cap = cap; t->n = 0;
    t->score = rs_xmalloc((cap ? cap : 1) * sizeof *t->score);
    t->idx = rs_xmalloc((cap ? cap : 1) * sizeof *t->idx);
}

void rs_topk_free(rs_topk *t) { free(t->score); free(t->idx); t->score = NULL; t->idx = NULL; }
void rs_topk_clear(rs_topk *t) { t->n = 0; }

/* "a is worse than b": lower score, or equal score and larger index. */
static inline int worse(float sa, uint32_t ia, float sb, uint32_t ib)
{ return sa < sb || (sa == sb && ia > ib); }

static void sift_down(rs_topk *t, size_t i, size_t n)
{
    float s = t->score[i]; uint32_t x = t->idx[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && worse(t->score[c + 1], t->idx[c + 1], t->score[c], t->idx[c])) c++;
        if (!worse(t->score[c], t->idx[c], s, x)) break;
        t->score[i] = t->score[c]; t->idx[i] = t->idx[c]; i = c;
    }
    t->score[i] = s; t->idx[i] = x;
}

void rs_topk_push(rs_topk *t, float score, uint32_t idx)
{
    if (t->cap == 0 || score != score) return;
    if (t->n < t->cap) {
        size_t i = t->n++;
        while (i > 0) {
            size_t p = (i - 1) / 2;
            if (!worse(score, idx, t->score[p], t->idx[p])) break;
            t->score[i] = t->score[p]; t->idx[i] = t->idx[p]; i = p;
        }
        t->score[i] = score; t->idx[i] = idx;
    } else if (worse(t->score[0], t->idx[0], score, idx)) {
        t->score[0] = score; t->idx[0] = idx;
        sift_down(t, 0, t->n);
    }
}

size_t rs_topk_sorted(rs_topk *t)
{
    /* Heap sort in place: repeatedly move the worst to the end. */
    for (size_t m = t->n; m > 1; m--) {
        float s = t->score[0]; uint32_t x = t->idx[0];
        t->score[0] = t->score[m - 1]; t->idx[0] = t->idx[m - 1];
        t->score[m - 1] = s; t->idx[m - 1] = x;
        sift_down(t, 0, m - 1);
    }
    return t->n;
}
