#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/idmap.h"
#include "common/rng.h"
#include "common/shard.h"
#include "prep/split.h"

/* Separate rng streams, so that changing how one user's rows are drawn
 * never shifts the fold assignment of the users. */
enum { STREAM_USERS = 0, STREAM_ROWS = 1, STREAM_USER0 = 16 };

void rs_split_opts_init(rs_split_opts *o)
{
    memset(o, 0, sizeof *o);
    o->frac = -1;
    o->users_frac = -1;
    o->by = RS_SPLIT_BY_TIME;
    o->seed = 1;
}

int rs_split_check(const rs_split_opts *o, rs_err *e)
{
    int has_last = o->last > 0, has_frac = o->frac >= 0, has_uf = o->users_frac >= 0;
    if (has_last && has_frac)
        return rs_errf(e, RS_EUSAGE, "--last and --frac cannot be used together "
                       "(each says which of a user's rows are test; choose one)");
    if (o->frac > 1 || isnan(o->frac))
        return rs_errf(e, RS_EUSAGE, "--frac must be between 0 and 1");
    if (o->users_frac > 1 || isnan(o->users_frac))
        return rs_errf(e, RS_EUSAGE, "--users-frac must be between 0 and 1");
    if (o->by != RS_SPLIT_BY_TIME && o->by != RS_SPLIT_BY_ORDER)
        return rs_errf(e, RS_EUSAGE, "--by must be 'time' or 'order'");
    if (o->folds || o->fold) {
        if (!o->folds)
            return rs_errf(e, RS_EUSAGE, "--fold needs --folds K");
        if (o->folds < 2)
            return rs_errf(e, RS_EUSAGE, "--folds must be at least 2");
        if (!o->fold)
            return rs_errf(e, RS_EUSAGE, "--folds needs --fold I (which fold is test, 1 to %lld)",
                           (long long)o->folds);
        if (o->fold < 1 || o->fold > o->folds)
            return rs_errf(e, RS_EUSAGE, "--fold %lld is out of range (1 to %lld)",
                           (long long)o->fold, (long long)o->folds);
        if (has_uf)
            return rs_errf(e, RS_EUSAGE, "--users-frac and --folds cannot be used together "
                           "(both choose the test users)");
    } else if (!has_last && !has_frac && !has_uf) {
        return rs_errf(e, RS_EUSAGE, "no split chosen: give --last N, --frac F, "
                       "--users-frac F, or --folds K --fold I");
    }
    return 0;
}

/* round(f * n), ties to even (the default rounding mode), as Python's round. */
static uint64_t frac_count(double f, uint64_t n)
{
    double x = nearbyint(f * (double)n);
    return x <= 0 ? 0 : x >= (double)n ? n : (uint64_t)x;
}

/* Part g (0-based) of n things cut into k parts whose sizes differ by at
 * most one, the larger parts first (numpy.array_split, Surprise's KFold). */
static void part_bounds(uint64_t n, uint64_t k, uint64_t g, uint64_t *lo, uint64_t *hi)
{
    uint64_t q = n / k, r = n % k;
    *lo = g * q + (g < r ? g : r);
    *hi = *lo + q + (g < r);
}

/* Rating-level K-fold.  Shuffling 20M row numbers costs a second of cache
 * misses; drawing each row's fold in turn with probability (room left in the
 * fold) / (rows left) gives the same uniform partition into folds of exact
 * sizes in one pass.  A Fenwick tree over the folds' room finds the fold of
 * a draw in O(log K), so even leave-one-out (K = n) stays fast. */
static void rating_folds(const rs_ratings *rt, const rs_split_opts *o, unsigned char *test)
{
    uint64_t n = rt->n, K = (uint64_t)o->folds, want = (uint64_t)o->fold - 1;
    /* Folds past the n-th are empty, and the first n hold one row each
     * whether K is n or more: the same draws, without a tree of size K. */
    if (K > n) K = n;
    memset(test, 0, n);
    if (want >= K) return;
    uint64_t *tree = rs_xcalloc(K + 1, sizeof *tree);   /* 1-based Fenwick tree of room */
    for (uint64_t g = 0; g < K; g++) {
        uint64_t lo, hi;
        part_bounds(n, K, g, &lo, &hi);
        tree[g + 1] += hi - lo;
        uint64_t p = (g + 1) + ((g + 1) & -(g + 1));
        if (p <= K) tree[p] += tree[g + 1];
    }
    uint64_t top = 1;
    while (top * 2 <= K) top *= 2;
    rs_rng r;
    rs_rng_seed2(&r, o->seed, STREAM_ROWS);
    for (uint64_t k = 0; k < n; k++) {
        uint64_t x = rs_rng_below(&r, n - k), pos = 0;
        for (uint64_t step = top; step; step >>= 1)
            if (pos + step <= K && tree[pos + step] <= x) { pos += step; x -= tree[pos]; }
        test[k] = pos == want;              /* pos is the 0-based fold */
        for (uint64_t p = pos + 1; p <= K; p += p & -p) tree[p]--;
    }
    free(tree);
}

/* chosen[u] = 1 for the users who give test rows.  Only users that have rows
 * take part, in first-seen order before the shuffle. */
static unsigned char *choose_users(const uint32_t *cnt, uint32_t nu, const rs_split_opts *o)
{
    unsigned char *chosen = rs_xcalloc(nu ? nu : 1, 1);
    uint32_t *perm = rs_xmalloc((nu ? nu : 1) * sizeof *perm), np = 0;
    for (uint32_t u = 0; u < nu; u++)
        if (cnt[u]) perm[np++] = u;
    uint64_t lo = 0, hi = np;
    if (o->folds || o->users_frac >= 0) {
        rs_rng r;
        rs_rng_seed2(&r, o->seed, STREAM_USERS);
        rs_rng_shuffle_u32(&r, perm, np);
        if (o->folds) part_bounds(np, (uint64_t)o->folds, (uint64_t)o->fold - 1, &lo, &hi);
        else hi = frac_count(o->users_frac, np);
    }
    for (uint64_t k = lo; k < hi; k++) chosen[perm[k]] = 1;
    free(perm);
    return chosen;
}

/* A row keyed by (time, row): a user's rows are in input order, so the row
 * number breaks timestamp ties towards the later line. */
typedef struct { int64_t t; uint32_t row; } tkey;

static inline int tkey_less(tkey a, tkey b) { return a.t < b.t || (a.t == b.t && a.row < b.row); }

static void sift_down(tkey *h, size_t n, size_t k)
{
    for (;;) {
        size_t c = 2 * k + 1;
        if (c >= n) return;
        if (c + 1 < n && tkey_less(h[c + 1], h[c])) c++;
        if (!tkey_less(h[c], h[k])) return;
        tkey x = h[c]; h[c] = h[k]; h[k] = x;
        k = c;
    }
}

/* Mark the N latest of a user's m > N rows L (input order).  A bounded
 * min-heap costs one comparison for most rows when N is small; data whose
 * times already ascend (most logs) skips even that. */
static void last_by_time(const int64_t *t, const uint32_t *L, uint32_t m, uint32_t N,
                         tkey *heap, unsigned char *test)
{
    uint32_t j = 1;
    while (j < m && t[L[j]] >= t[L[j - 1]]) j++;
    if (j == m) {
        for (j = m - N; j < m; j++) test[L[j]] = 1;
        return;
    }
    for (j = 0; j < N; j++) heap[j] = (tkey){ t[L[j]], L[j] };
    for (size_t k = N / 2; k-- > 0; ) sift_down(heap, N, k);
    for (j = N; j < m; j++) {
        tkey x = { t[L[j]], L[j] };
        if (tkey_less(heap[0], x)) { heap[0] = x; sift_down(heap, N, 0); }
    }
    for (j = 0; j < N; j++) test[heap[j].row] = 1;
}

/* Mark round(frac * m) of a user's rows, drawn by a partial Fisher-Yates
 * shuffle of L from the user's own stream. */
static void frac_rows(uint32_t *L, uint32_t m, double frac, uint64_t seed, uint64_t stream,
                      unsigned char *test)
{
    uint64_t k = frac_count(frac, m);
    rs_rng r;
    rs_rng_seed2(&r, seed, stream);
    for (uint64_t j = 0; j < k; j++) {
        uint64_t s = j + rs_rng_below(&r, m - j);
        uint32_t x = L[j]; L[j] = L[s]; L[s] = x;
        test[L[j]] = 1;
    }
}

/* Hand each chosen user's rows, in input order, to last_by_time or
 * frac_rows.  Input grouped by user (MovieLens files, rs-gen) needs no index:
 * a user's rows are a range.  Otherwise a stable counting sort by user makes
 * them contiguous. */
static void each_user(const rs_ratings *rt, uint32_t *cnt, uint32_t nu,
                      const unsigned char *chosen, const rs_split_opts *o, unsigned char *test)
{
    uint32_t n = (uint32_t)rt->n, np = 0, runs = n > 0, mx = 0;
    const uint32_t *U = rt->u;
    for (uint32_t u = 0; u < nu; u++) {
        np += cnt[u] > 0;
        if (chosen[u] && cnt[u] > mx) mx = cnt[u];
    }
    for (uint32_t k = 1; k < n; k++) runs += U[k] != U[k - 1];
    uint32_t *off = rs_xmalloc(((size_t)nu + 1) * sizeof *off), *idx = NULL, *scratch = NULL;
    if (runs == np) {
        for (uint32_t k = 0; k < n; k++)
            if (k == 0 || U[k] != U[k - 1]) off[U[k]] = k;
        scratch = rs_xmalloc(((size_t)mx + 1) * sizeof *scratch);
    } else {
        uint32_t total = 0;
        for (uint32_t u = 0; u < nu; u++) { off[u] = total; if (chosen[u]) total += cnt[u]; }
        idx = rs_xmalloc(((size_t)total + 1) * sizeof *idx);
        uint32_t *fill = rs_xmalloc(((size_t)nu + 1) * sizeof *fill);
        memcpy(fill, off, (size_t)nu * sizeof *fill);
        for (uint32_t k = 0; k < n; k++)
            if (chosen[U[k]]) idx[fill[U[k]]++] = k;
        free(fill);
    }
    uint32_t N = o->last > mx ? mx : (uint32_t)o->last;
    tkey *heap = o->last ? rs_xmalloc(((size_t)N + 1) * sizeof *heap) : NULL;
    for (uint32_t u = 0; u < nu; u++) {
        uint32_t m = cnt[u], *L;
        if (!chosen[u] || !m) continue;
        if (idx) L = idx + off[u];
        else { L = scratch; for (uint32_t j = 0; j < m; j++) L[j] = off[u] + j; }
        if (!o->last) {
            uint64_t stream = o->stream_by_id
                ? rs_fnv1a64(rs_idmap_str(rt->users, u), rs_idmap_len(rt->users, u))
                : STREAM_USER0 + (uint64_t)u;
            frac_rows(L, m, o->frac, o->seed, stream, test);
        } else if (m <= o->last) {
            for (uint32_t j = 0; j < m; j++) test[L[j]] = 1;
        } else {
            last_by_time(rt->t, L, m, (uint32_t)o->last, heap, test);
        }
    }
    free(heap); free(idx); free(scratch); free(off);
}

int rs_split(const rs_ratings *rt, const rs_split_opts *o, unsigned char *test, rs_err *e)
{
    if (rs_split_check(o, e) < 0) return -1;
    if (rt->n > UINT32_MAX)
        return rs_errf(e, RS_EDATA, "%zu interactions: at most %u can be split",
                       rt->n, (unsigned)UINT32_MAX);
    int has_last = o->last > 0, has_frac = o->frac >= 0;
    if (o->folds && !has_last && !has_frac) {
        rating_folds(rt, o, test);
        return 0;
    }
    if (has_last && o->by == RS_SPLIT_BY_TIME && !rt->t)
        return rs_errf(e, RS_EUSAGE, "--last by time needs timestamps (a 4th column), and the "
                       "input has none; use --by order for the last rows in input order");

    uint32_t n = (uint32_t)rt->n, nu = rs_idmap_size(rt->users);
    const uint32_t *U = rt->u;
    uint32_t *cnt = rs_xcalloc((size_t)nu + 1, sizeof *cnt);
    for (uint32_t k = 0; k < n; k++) cnt[U[k]]++;
    unsigned char *chosen = choose_users(cnt, nu, o);
    memset(test, 0, n);

    if (!has_last && !has_frac) {
        for (uint32_t k = 0; k < n; k++) test[k] = chosen[U[k]];
    } else if (has_last && o->by == RS_SPLIT_BY_ORDER) {
        /* No grouping needed: a row is test when at most N rows of its user follow it. */
        uint32_t *seen = rs_xcalloc((size_t)nu + 1, sizeof *seen);
        for (uint32_t k = 0; k < n; k++) {
            uint32_t u = U[k];
            if (chosen[u]) test[k] = (uint64_t)cnt[u] - seen[u]++ <= o->last;
        }
        free(seen);
    } else {
        each_user(rt, cnt, nu, chosen, o, test);
    }
    free(chosen); free(cnt);
    return 0;
}

void rs_split_stats_count(const rs_ratings *rt, const unsigned char *test, rs_split_stats *s)
{
    uint32_t nu = rs_idmap_size(rt->users);
    unsigned char *seen = rs_xcalloc((size_t)nu + 1, 1);
    memset(s, 0, sizeof *s);
    for (size_t k = 0; k < rt->n; k++) {
        int side = test[k] != 0;
        s->rows[side]++;
        seen[rt->u[k]] |= (unsigned char)(1 << side);
    }
    for (uint32_t u = 0; u < nu; u++) {
        s->users[0] += seen[u] & 1;
        s->users[1] += seen[u] >> 1;
    }
    free(seen);
}
