/* test_topk: the bounded heap against a full sort of the same stream. */
#include <stdint.h>
#include "tap.h"
#include "common/rng.h"
#include "common/topk.h"

typedef struct pair { float s; uint32_t i; } pair;

/* Best first: higher score, then smaller index. */
static int cmp(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->s != y->s) return x->s > y->s ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Push the stream in the given order and compare with the sorted prefix. */
static int agrees(const pair *stream, size_t n, const size_t *order, size_t cap)
{
    rs_topk t;
    rs_topk_init(&t, cap);
    for (size_t k = 0; k < n; k++) rs_topk_push(&t, stream[order[k]].s, stream[order[k]].i);
    size_t got = rs_topk_sorted(&t);
    pair *ref = malloc((n ? n : 1) * sizeof *ref);
    memcpy(ref, stream, n * sizeof *ref);
    qsort(ref, n, sizeof *ref, cmp);
    size_t want = cap < n ? cap : n;
    int ok = got == want;
    for (size_t k = 0; ok && k < want; k++) ok = t.score[k] == ref[k].s && t.idx[k] == ref[k].i;
    free(ref);
    rs_topk_free(&t);
    return ok;
}

int main(void)
{
    tap t = { 0 };
    rs_topk h;

    rs_topk_init(&h, 3);
    OK(&t, rs_topk_threshold(&h) == -__builtin_inff(), "threshold is -inf while not full");
    rs_topk_push(&h, 1.0f, 7);
    rs_topk_push(&h, 5.0f, 2);
    OK(&t, rs_topk_sorted(&h) == 2, "N larger than the stream keeps the whole stream");
    OK(&t, h.idx[0] == 2 && h.idx[1] == 7 && h.score[0] == 5.0f, "sorted best first");
    rs_topk_clear(&h);
    OK(&t, h.n == 0, "clear empties");
    float s[] = { 2, 9, 4, 9, 1, 4, 9 };
    for (uint32_t i = 0; i < 7; i++) rs_topk_push(&h, s[i], i);
    OK(&t, rs_topk_threshold(&h) == 9.0f, "threshold is the worst kept score once full");
    rs_topk_sorted(&h);
    OK(&t, h.idx[0] == 1 && h.idx[1] == 3 && h.idx[2] == 6, "three-way tie: smaller indices first");
    rs_topk_clear(&h);
    /* The same ties pushed in reverse order must give the same answer. */
    for (int i = 6; i >= 0; i--) rs_topk_push(&h, s[i], (uint32_t)i);
    rs_topk_sorted(&h);
    OK(&t, h.idx[0] == 1 && h.idx[1] == 3 && h.idx[2] == 6, "ties do not depend on push order");
    rs_topk_clear(&h);
    rs_topk_push(&h, __builtin_nanf(""), 0);
    rs_topk_push(&h, 1.0f, 1);
    OK(&t, rs_topk_sorted(&h) == 1 && h.idx[0] == 1, "NaN scores never enter");
    rs_topk_free(&h);

    rs_topk z;
    rs_topk_init(&z, 0);
    rs_topk_push(&z, 1.0f, 0);
    OK(&t, rs_topk_sorted(&z) == 0, "capacity 0 keeps nothing");
    rs_topk_free(&z);

    /* Random streams with many ties (scores from a small set), in index
     * order and shuffled, against qsort. */
    rs_rng r;
    rs_rng_seed(&r, 42);
    int all = 1, shuffled = 1;
    for (int round = 0; round < 200; round++) {
        size_t n = rs_rng_below(&r, 300), cap = 1 + rs_rng_below(&r, 40);
        pair *p = malloc((n ? n : 1) * sizeof *p);
        size_t *ord = malloc((n ? n : 1) * sizeof *ord);
        for (size_t k = 0; k < n; k++) {
            p[k].s = (float)rs_rng_below(&r, 20) - 10.0f;
            p[k].i = (uint32_t)k;
            ord[k] = k;
        }
        all &= agrees(p, n, ord, cap);
        for (size_t k = n; k > 1; k--) {
            size_t j = rs_rng_below(&r, k);
            size_t x = ord[k - 1]; ord[k - 1] = ord[j]; ord[j] = x;
        }
        shuffled &= agrees(p, n, ord, cap);
        free(p);
        free(ord);
    }
    OK(&t, all, "random streams in index order: same as a full sort");
    OK(&t, shuffled, "random streams shuffled: same as a full sort");
    return tap_done(&t);
}
