/* shard.h: which shard of N a user belongs to, the same in every program
 * and in any engine that partitions by key:
 *
 *   shard(id) = FNV-1a-64(bytes of the raw id string) mod N    (0-based)
 *
 * FNV-1a 64: h = 14695981039346656037; for each byte b: h ^= b;
 * h *= 1099511628211 (mod 2^64).  The id is the user field exactly as it
 * stands in the TSV (no trimming, no case folding, no terminating NUL).
 * On the command line shards are 1-based: --shard I/N is shard I-1.
 * Example: "1" hashes to 0xaf63ac4c86019afc, shard 1/2 (0-based 0). */
#ifndef RS_SHARD_H
#define RS_SHARD_H
#include <stddef.h>
#include <stdint.h>
#include "common/err.h"

typedef struct rs_shard {
    uint64_t i, n;          /* 0-based shard i of n; n == 0: no sharding */
} rs_shard;

uint64_t rs_fnv1a64(const char *s, size_t len);
/* Parse "I/N" (1 <= I <= N, N >= 1); RS_EUSAGE error naming opt if not. */
int rs_shard_parse(rs_shard *sh, const char *opt, const char *arg, rs_err *e);
/* Whether the id belongs to the shard (always, when n == 0). */
static inline int rs_shard_has(const rs_shard *sh, const char *id, size_t len)
{
    return sh->n == 0 || rs_fnv1a64(id, len) % sh->n == sh->i;
}

#endif
