/* rng.h: a small, fast, seedable generator (xoshiro256** seeded through
 * splitmix64), identical on every machine, so --seed means the same split
 * and the same model everywhere.  State lives in the caller's struct. */
#ifndef RS_RNG_H
#define RS_RNG_H
#include <stdint.h>
#include <stddef.h>

typedef struct rs_rng { uint64_t s[4]; } rs_rng;

void rs_rng_seed(rs_rng *r, uint64_t seed);
/* An independent stream for worker/thread/row k of the same seed. */
void rs_rng_seed2(rs_rng *r, uint64_t seed, uint64_t stream);
uint64_t rs_rng_u64(rs_rng *r);
double rs_rng_double(rs_rng *r);                 /* [0, 1) */
uint64_t rs_rng_below(rs_rng *r, uint64_t n);    /* [0, n), unbiased */
double rs_rng_normal(rs_rng *r);                 /* N(0, 1) */
/* Fisher-Yates shuffle of n uint32. */
void rs_rng_shuffle_u32(rs_rng *r, uint32_t *a, size_t n);

#endif
