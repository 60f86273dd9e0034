/* split_cold.h: cold-start splits (rs-split --cold-items / --cold-users).
 *
 * round(F * n) of the n items (or users) of the table, ties to even, are
 * drawn at random (a Fisher-Yates shuffle of them in first-seen order,
 * from rng.h keyed by the seed), and every row of theirs is test: the
 * model never sees them, so the test asks what it makes of an item or a
 * user known only by its side features. */
#ifndef RS_SPLIT_COLD_H
#define RS_SPLIT_COLD_H
#include <stdint.h>
#include "common/err.h"
#include "prep/ratings.h"

/* items: 1 for items, 0 for users.  test has rt->n entries. */
int rs_split_cold(const rs_ratings *rt, int items, double frac, uint64_t seed,
                  unsigned char *test, rs_err *e);

#endif
