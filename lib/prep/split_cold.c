/* split_cold.c: cold-start splits (split_cold.h). */
#include <math.h>
#include <stdlib.h>
#include "common/rng.h"
#include "prep/split_cold.h"

int rs_split_cold(const rs_ratings *rt, int items, double frac, uint64_t seed,
                  unsigned char *test, rs_err *e)
{
    if (!(frac >= 0 && frac <= 1))
        return rs_errf(e, RS_EUSAGE, "--cold-%s must be in 0..1", items ? "items" : "users");
    uint32_t n = rs_idmap_size(items ? rt->items : rt->users);
    const uint32_t *of = items ? rt->i : rt->u;
    uint32_t *perm = rs_xmalloc(((size_t)n + 1) * sizeof *perm);
    for (uint32_t k = 0; k < n; k++) perm[k] = k;
    rs_rng r;
    rs_rng_seed(&r, seed);
    rs_rng_shuffle_u32(&r, perm, n);
    /* nearbyint rounds ties to even in the default mode, as Python's round. */
    uint32_t m = (uint32_t)nearbyint(frac * (double)n);
    unsigned char *cold = rs_xcalloc((size_t)n + 1, 1);
    for (uint32_t k = 0; k < m; k++) cold[perm[k]] = 1;
    for (size_t k = 0; k < rt->n; k++) test[k] = cold[of[k]];
    free(cold);
    free(perm);
    return 0;
}
