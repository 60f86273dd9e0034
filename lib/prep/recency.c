#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/num.h"
#include "prep/recency.h"

int rs_recency_parse(const char *opt, const char *arg, double *tau, double *a, rs_err *e)
{
    const char *comma = strchr(arg, ','), *why = NULL;
    if (!comma || rs_num_f64(arg, (size_t)(comma - arg), tau, &why) < 0
        || rs_num_f64(comma + 1, strlen(comma + 1), a, &why) < 0)
        return rs_errf(e, RS_EUSAGE, "%s: '%s' is not TAU,A (two numbers%s%s)", opt, arg,
                       why ? ": " : "", why ? why : "");
    if (!(*tau > 0) || !(*a >= 0))
        return rs_errf(e, RS_EUSAGE, "%s %s: TAU must be above 0 and A at least 0", opt, arg);
    return 0;
}

typedef struct when {
    int64_t t;              /* 0 for every row of a table without times */
    size_t row;
} when;

/* Later first: by time, then by row. */
static int later_first(const void *x, const void *y)
{
    const when *p = x, *q = y;
    if (p->t != q->t) return p->t < q->t ? 1 : -1;
    return p->row < q->row ? 1 : p->row > q->row ? -1 : 0;
}

void rs_recency_apply(rs_ratings *rt, double tau, double a)
{
    rs_ratings_keep(rt, 1, 0);
    uint32_t nu = rs_idmap_size(rt->users);
    /* The rows of each user together (counting sort), in input order. */
    size_t *start = rs_xcalloc((size_t)nu + 1, sizeof *start);
    for (size_t k = 0; k < rt->n; k++) start[rt->u[k] + 1]++;
    for (uint32_t u = 0; u < nu; u++) start[u + 1] += start[u];
    when *w = rs_xmalloc((rt->n ? rt->n : 1) * sizeof *w);
    size_t *next = rs_xmalloc(((size_t)nu + 1) * sizeof *next);
    memcpy(next, start, ((size_t)nu + 1) * sizeof *next);
    for (size_t k = 0; k < rt->n; k++)
        w[next[rt->u[k]]++] = (when){ rt->t ? rt->t[k] : 0, k };
    for (uint32_t u = 0; u < nu; u++) {
        size_t lo = start[u], n = start[u + 1] - lo;
        qsort(w + lo, n, sizeof *w, later_first);
        for (size_t age = 0; age < n; age++)
            rt->r[w[lo + age].row] = 1 + a * exp(-(double)age / tau);
    }
    free(next);
    free(w);
    free(start);
}
