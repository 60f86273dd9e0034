/* stats.h: request counts and latencies per endpoint, kept without locks.
 *
 * Latencies go into a histogram of 8 buckets per doubling from 1 us (each
 * bucket about 9% wide) up to about 65 s, counted with relaxed atomics, so
 * any thread records and /metrics reads at any time; a percentile is the
 * upper edge of the bucket that reaches it (at most 9% high). */
#ifndef RS_SRV_STATS_H
#define RS_SRV_STATS_H
#include <stdatomic.h>
#include <stdint.h>

enum { RS_SRV_BUCKETS = 129 };
/* The statuses counted one by one (others go to the last entry). */
#define RS_SRV_CODES { 200, 202, 400, 404, 405, 409, 413, 500, 503 }
enum { RS_SRV_NCODES = 10 };

typedef struct rs_srv_stat {
    atomic_uint_least64_t count[RS_SRV_NCODES];
    atomic_uint_least64_t bucket[RS_SRV_BUCKETS];
    atomic_uint_least64_t sum_ns, last_ns;
} rs_srv_stat;

/* Record one request; stat must be zeroed once before use. */
void rs_srv_stat_add(rs_srv_stat *s, int status, uint64_t ns);
/* Requests so far, all statuses. */
uint64_t rs_srv_stat_total(const rs_srv_stat *s);
/* The q-quantile (0 < q <= 1) in seconds, 0 with no requests. */
double rs_srv_stat_quantile(const rs_srv_stat *s, double q);
/* The status of count slot k (0 for "other"). */
int rs_srv_stat_code(int k);

#endif
