/* mf.h: what the learned factor models (mf_funk.h, mf_als.h, mf_bpr.h)
 * share: the fitted model, its checks, and how it goes into a bundle.
 *
 * A fitted model is P [users x k] and Q [items x k] (row-major F32), an
 * optional user bias bu and item bias bi, and a global bias g, scored as
 * scorer.h says: P[u].Q[i] + bu[u] + bi[i] + g.  rs_mf_put stores it as
 * the blocks user_factors, item_factors, user_bias, item_bias and meta
 * model=KIND, k, global_bias; each algorithm adds the meta its fold-in
 * needs (mf_foldin.h) and the options it was fitted with. */
#ifndef RS_MF_H
#define RS_MF_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "format/csr.h"
#include "common/err.h"
#include "format/bundle.h"
#include "common/alias.h"

typedef struct rs_mf {
    uint32_t users, items;
    int k;
    float *P, *Q;           /* users x k, items x k */
    float *bu, *bi;         /* users, items, or NULL */
    double g;
} rs_mf;

void rs_mf_alloc(rs_mf *m, uint32_t users, uint32_t items, int k, int user_bias, int item_bias);
void rs_mf_free(rs_mf *m);

/* The checks every algorithm makes: a matrix with interactions, and
 * 1 <= k <= min(users, items) (RS_EUSAGE otherwise, as for the SVD). */
int rs_mf_check(const rs_csr *a, int k, rs_err *e);

/* Store m in b as model=kind (handing the arrays over: m is emptied).
 * Blocks and meta keys of an earlier model in b are removed first. */
void rs_mf_put(rs_mf *m, const char *kind, rs_bundle *b);
/* v as the shortest of %.15g..%.17g that reads back exactly (0.005, not
 * 0.0050000000000000001); n >= 32. */
void rs_mf_format(double v, char *buf, size_t n);
/* meta key = value, formatted so / as an unsigned integer. */
void rs_mf_meta_double(rs_bundle *b, const char *key, double v);
void rs_mf_meta_u64(rs_bundle *b, const char *key, uint64_t v);
/* The readers' side, for the scorers: meta global_bias into g, and range
 * "lo,hi" (lo <= hi) into lo and hi: 1 when there, 0 when absent, -1
 * (RS_EDATA naming the value) when not a finite number, or not a range. */
int rs_mf_meta_global_bias(const rs_bundle *b, double *g, rs_err *e);
int rs_mf_meta_range(const rs_bundle *b, double *lo, double *hi, rs_err *e);

/* Negative sampling (BPR's training and fold-in): item i drawn with
 * probability proportional to count_i^exponent, count_i its training
 * entries (items without any are never drawn), by Walker's alias method:
 * one draw is one 64-bit random number and one table entry (common/alias.h).
 * The table (cols entries) for a's columns, or NULL when exponent is 0:
 * then the negatives are uniform over all a->cols items (as before there
 * was an exponent), or when a has no entries. */
rs_alias *rs_mf_noise(const rs_csr *a, double exponent);

/* The weights behind it: count_i^exponent (scaled), or 1 for every item
 * when exponent is 0 (a->cols + 1 entries, to free). */
double *rs_mf_noise_weights(const rs_csr *a, double exponent);

/* The hot loops work on 8 floats at a time, as two 4-float vectors of
 * GCC's vector extension, so they vectorize at -O2 on any x86-64 with a
 * fixed operation order. */
typedef float rs_mf_v4 __attribute__((vector_size(16)));

static inline rs_mf_v4 rs_mf_ld(const float *p)
{
    rs_mf_v4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void rs_mf_st(float *p, rs_mf_v4 v) { memcpy(p, &v, sizeof v); }

/* Lane l of 8 sums the terms f = l (mod 8); the lanes are added in a fixed
 * order, then the tail. */
static inline float rs_mf_lanes(rs_mf_v4 a, rs_mf_v4 b)
{
    return ((a[0] + b[0]) + (a[1] + b[1])) + ((a[2] + b[2]) + (a[3] + b[3]));
}

static inline float rs_mf_dot(const float *a, const float *b, int k)
{
    rs_mf_v4 lo = { 0 }, hi = { 0 };
    int f = 0;
    for (; f + 8 <= k; f += 8) {
        lo += rs_mf_ld(a + f) * rs_mf_ld(b + f);
        hi += rs_mf_ld(a + f + 4) * rs_mf_ld(b + f + 4);
    }
    float s = rs_mf_lanes(lo, hi);
    for (; f < k; f++) s += a[f] * b[f];
    return s;
}

#endif
