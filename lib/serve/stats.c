/* stats.c: lock-free request statistics; see stats.h. */
#include <math.h>
#include "serve/stats.h"

static const int codes[] = RS_SRV_CODES;

int rs_srv_stat_code(int k)
{
    return k < (int)(sizeof codes / sizeof codes[0]) ? codes[k] : 0;
}

static int bucket_of(uint64_t ns)
{
    if (ns < 1000) return 0;
    int b = 1 + (int)floor(8.0 * log2((double)ns / 1000.0));
    return b >= RS_SRV_BUCKETS ? RS_SRV_BUCKETS - 1 : b;
}

/* Upper edge of bucket b in seconds. */
static double bucket_top(int b)
{
    return 1e-6 * exp2((double)b / 8.0);
}

void rs_srv_stat_add(rs_srv_stat *s, int status, uint64_t ns)
{
    int k = 0;
    while (k < RS_SRV_NCODES - 1 && codes[k] != status) k++;
    atomic_fetch_add_explicit(&s->count[k], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->bucket[bucket_of(ns)], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->sum_ns, ns, memory_order_relaxed);
    atomic_store_explicit(&s->last_ns, ns, memory_order_relaxed);
}

uint64_t rs_srv_stat_total(const rs_srv_stat *s)
{
    uint64_t t = 0;
    for (int k = 0; k < RS_SRV_NCODES; k++)
        t += atomic_load_explicit(&s->count[k], memory_order_relaxed);
    return t;
}

double rs_srv_stat_quantile(const rs_srv_stat *s, double q)
{
    uint64_t b[RS_SRV_BUCKETS], total = 0;
    for (int k = 0; k < RS_SRV_BUCKETS; k++)
        total += b[k] = atomic_load_explicit(&s->bucket[k], memory_order_relaxed);
    if (total == 0) return 0;
    double want = ceil(q * (double)total);
    uint64_t seen = 0;
    for (int k = 0; k < RS_SRV_BUCKETS; k++)
        if ((double)(seen += b[k]) >= want) return bucket_top(k);
    return bucket_top(RS_SRV_BUCKETS - 1);
}
