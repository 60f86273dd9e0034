#include <stdlib.h>
#include "common/alias.h"
#include "common/err.h"

void rs_alias_build(const double *w, uint32_t n, double *prob, uint32_t *alias)
{
    double total = 0;
    for (uint32_t i = 0; i < n; i++) total += w[i];
    uint32_t *small = rs_xmalloc(((size_t)n + 1) * sizeof *small);
    uint32_t *large = rs_xmalloc(((size_t)n + 1) * sizeof *large);
    size_t ns = 0, nl = 0;
    for (uint32_t i = 0; i < n; i++) {
        prob[i] = w[i] * n / total;
        alias[i] = i;
        if (prob[i] < 1) small[ns++] = i;
        else large[nl++] = i;
    }
    while (ns && nl) {
        uint32_t s = small[--ns], l = large[--nl];
        alias[s] = l;
        prob[l] -= 1 - prob[s];
        if (prob[l] < 1) small[ns++] = l;
        else large[nl++] = l;
    }
    /* What is left is 1 up to rounding: its own slot. */
    while (nl) prob[large[--nl]] = 1;
    while (ns) prob[small[--ns]] = 1;
    free(small);
    free(large);
}

rs_alias *rs_alias_new(const double *w, uint32_t n)
{
    rs_alias *t = rs_xmalloc(((size_t)n + 1) * sizeof *t);
    double *prob = rs_xmalloc(((size_t)n + 1) * sizeof *prob);
    uint32_t *alias = rs_xmalloc(((size_t)n + 1) * sizeof *alias);
    rs_alias_build(w, n, prob, alias);
    for (uint32_t i = 0; i < n; i++) t[i] = (rs_alias){ (float)prob[i], alias[i] };
    free(prob);
    free(alias);
    return t;
}
