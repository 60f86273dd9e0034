/* test_split: the split rules of lib/prep/split.c against direct reference
 * computations (Python slicing, sorting by (time, row)), and the fold and
 * fraction invariants. */
#include <stdlib.h>
#include <string.h>
#include "common/idmap.h"
#include "prep/ratings.h"
#include "common/rng.h"
#include "prep/split.h"
#include "tap.h"

/* A table with timestamps: user ids "u<k>", item ids "i<k>". */
static void table_init(rs_ratings *rt, int with_time)
{
    rs_ratings_init(rt);
    rt->r = rs_xmalloc(sizeof *rt->r);
    if (with_time) rt->t = rs_xmalloc(sizeof *rt->t);
}

static void add(rs_ratings *rt, unsigned u, unsigned i, int64_t t)
{
    char b[32];
    int n = snprintf(b, sizeof b, "u%u", u);
    uint32_t du = rs_idmap_intern(rt->users, b, (size_t)n);
    n = snprintf(b, sizeof b, "i%u", i);
    uint32_t di = rs_idmap_intern(rt->items, b, (size_t)n);
    rs_ratings_add(rt, du, di, 1, t);
}

static int split(const rs_ratings *rt, const rs_split_opts *o, unsigned char *test)
{
    rs_err e = { 0 };
    return rs_split(rt, o, test, &e);
}

/* Random table: nu users with 1..maxn rows each, times drawn from a small
 * range (many ties); interleaved or grouped by user. */
static void random_table(rs_ratings *rt, uint64_t seed, unsigned nu, unsigned maxn, int grouped)
{
    rs_rng r;
    rs_rng_seed(&r, seed);
    table_init(rt, 1);
    unsigned *left = malloc(nu * sizeof *left), total = 0, item = 0;
    for (unsigned u = 0; u < nu; u++) total += left[u] = 1 + (unsigned)rs_rng_below(&r, maxn);
    /* Users first appear in order 0..nu-1 either way. */
    for (unsigned u = 0; u < nu; u++) { add(rt, u, item++, (int64_t)rs_rng_below(&r, 6)); left[u]--; total--; }
    if (grouped) {
        rs_ratings g;
        table_init(&g, 1);
        for (unsigned u = 0; u < nu; u++) {
            add(&g, u, item++, rt->t[u]);
            for (; left[u]; left[u]--) add(&g, u, item++, (int64_t)rs_rng_below(&r, 6));
        }
        rs_ratings_free(rt);
        *rt = g;
    } else {
        while (total) {
            unsigned u = (unsigned)rs_rng_below(&r, nu);
            if (!left[u]) continue;
            add(rt, u, item++, (int64_t)rs_rng_below(&r, 6));
            left[u]--; total--;
        }
    }
    free(left);
}

/* Rows of dense user u, in input order. */
static size_t user_rows(const rs_ratings *rt, uint32_t u, size_t *out)
{
    size_t m = 0;
    for (size_t k = 0; k < rt->n; k++) if (rt->u[k] == u) out[m++] = k;
    return m;
}

static int by_time_row(const void *a, const void *b, void *ctx)
{
    const int64_t *t = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int64_t tx = t[x], ty = t[y];
    return tx < ty ? -1 : tx > ty ? 1 : x < y ? -1 : x > y;
}

/* Reference for --last N: items[-N:] after a stable sort by time (or none). */
static int check_last(const rs_ratings *rt, const unsigned char *test, uint64_t N, int by_time)
{
    size_t *rows = malloc(rt->n * sizeof *rows);
    unsigned char *want = calloc(rt->n, 1);
    for (uint32_t u = 0; u < rs_idmap_size(rt->users); u++) {
        size_t m = user_rows(rt, u, rows);
        if (by_time) qsort_r(rows, m, sizeof *rows, by_time_row, rt->t);
        for (size_t j = m > N ? m - N : 0; j < m; j++) want[rows[j]] = 1;
    }
    int ok = memcmp(want, test, rt->n) == 0;
    free(rows); free(want);
    return ok;
}

static size_t count(const unsigned char *a, size_t n)
{
    size_t c = 0;
    for (size_t k = 0; k < n; k++) c += a[k];
    return c;
}

static void test_ties(tap *t)
{
    /* user a: times 10 30 20 30 (the later 30 wins the tie); b: 5 5; c: 1 */
    rs_ratings rt;
    table_init(&rt, 1);
    add(&rt, 1, 1, 10); add(&rt, 1, 2, 30); add(&rt, 2, 1, 5); add(&rt, 1, 3, 20);
    add(&rt, 2, 2, 5); add(&rt, 1, 4, 30); add(&rt, 3, 1, 1);
    unsigned char test[7];
    rs_split_opts o;
    rs_split_opts_init(&o);
    o.last = 2;
    OK(t, split(&rt, &o, test) == 0, "last 2 by time runs");
    static const unsigned char want_time[7] = { 0, 1, 1, 0, 1, 1, 1 };
    OK(t, memcmp(test, want_time, 7) == 0, "last 2 by time: latest two, ties by input order");
    o.last = 1;
    split(&rt, &o, test);
    static const unsigned char want1[7] = { 0, 0, 0, 0, 1, 1, 1 };
    OK(t, memcmp(test, want1, 7) == 0, "last 1 by time: tie at 30 goes to the later line");
    o.last = 2; o.by = RS_SPLIT_BY_ORDER;
    split(&rt, &o, test);
    static const unsigned char want_order[7] = { 0, 0, 1, 1, 1, 1, 1 };
    OK(t, memcmp(test, want_order, 7) == 0, "last 2 by order: items[-2:] per user");
    rs_ratings_free(&rt);
}

static void test_last_random(tap *t)
{
    for (int grouped = 0; grouped < 2; grouped++) {
        rs_ratings rt;
        random_table(&rt, 7 + grouped, 60, 12, grouped);
        unsigned char *test = malloc(rt.n);
        int all_time = 1, all_order = 1;
        for (uint64_t N = 1; N <= 13; N++) {
            rs_split_opts o;
            rs_split_opts_init(&o);
            o.last = N;
            split(&rt, &o, test);
            all_time &= check_last(&rt, test, N, 1);
            o.by = RS_SPLIT_BY_ORDER;
            split(&rt, &o, test);
            all_order &= check_last(&rt, test, N, 0);
        }
        OK(t, all_time, "last N by time = sort by (time, row), take [-N:] (%s input)",
           grouped ? "grouped" : "interleaved");
        OK(t, all_order, "last N by order = Python items[-N:] (%s input)",
           grouped ? "grouped" : "interleaved");
        free(test);
        rs_ratings_free(&rt);
    }
    /* Ascending times take the fast path; a huge N is all test. */
    rs_ratings rt;
    table_init(&rt, 1);
    for (unsigned k = 0; k < 10; k++) add(&rt, 1, k, 100 + k / 3);
    unsigned char test[10];
    rs_split_opts o;
    rs_split_opts_init(&o);
    o.last = 4;
    split(&rt, &o, test);
    OK(t, check_last(&rt, test, 4, 1) && count(test, 10) == 4, "ascending times: last 4 rows");
    o.last = (uint64_t)1 << 40;
    split(&rt, &o, test);
    OK(t, count(test, 10) == 10, "N beyond every user: all test");
    rs_ratings_free(&rt);
}

static void test_no_time(tap *t)
{
    rs_ratings rt;
    table_init(&rt, 0);
    add(&rt, 1, 1, 0); add(&rt, 1, 2, 0);
    unsigned char test[2];
    rs_split_opts o;
    rs_split_opts_init(&o);
    o.last = 1;
    rs_err e = { 0 };
    OK(t, rs_split(&rt, &o, test, &e) < 0 && e.code == RS_EUSAGE && strstr(e.msg, "--by order"),
       "last by time without timestamps: usage error naming --by order");
    o.by = RS_SPLIT_BY_ORDER;
    OK(t, split(&rt, &o, test) == 0 && !test[0] && test[1], "by order works without timestamps");
    rs_ratings_free(&rt);
}

static void test_frac(tap *t)
{
    /* Users with n = 1, 2, 3, 5, 10 rows, F = 0.5: round-half-even gives 0, 1, 2, 2, 5. */
    static const unsigned sizes[] = { 1, 2, 3, 5, 10 };
    static const unsigned want[] = { 0, 1, 2, 2, 5 };
    rs_ratings rt;
    table_init(&rt, 1);
    unsigned item = 0;
    for (unsigned u = 0; u < 5; u++)
        for (unsigned k = 0; k < sizes[u]; k++) add(&rt, u, item++, 0);
    unsigned char *a = malloc(rt.n), *b = malloc(rt.n);
    rs_split_opts o;
    rs_split_opts_init(&o);
    o.frac = 0.5;
    split(&rt, &o, a);
    int ok = 1;
    for (uint32_t u = 0; u < 5; u++) {
        unsigned c = 0;
        for (size_t k = 0; k < rt.n; k++) c += rt.u[k] == u && a[k];
        ok &= c == want[u];
    }
    OK(t, ok, "frac 0.5: round(F*n) ties to even per user (0,1,2,2,5)");
    o.frac = 0;
    split(&rt, &o, b);
    OK(t, count(b, rt.n) == 0, "frac 0: no test rows");
    o.frac = 1;
    split(&rt, &o, b);
    OK(t, count(b, rt.n) == rt.n, "frac 1: all test");
    rs_ratings_free(&rt);
    free(a); free(b);

    /* Determinism and the seed, on a bigger table. */
    random_table(&rt, 3, 200, 40, 0);
    a = malloc(rt.n); b = malloc(rt.n);
    rs_split_opts_init(&o);
    o.frac = 0.3;
    split(&rt, &o, a);
    split(&rt, &o, b);
    OK(t, memcmp(a, b, rt.n) == 0, "frac: same seed, same split");
    o.seed = 2;
    split(&rt, &o, b);
    OK(t, memcmp(a, b, rt.n) != 0, "frac: another seed, another split");

    /* Grouped and interleaved copies of the same per-user sequences pick the
     * same positions (the counting sort and the range path agree). */
    rs_ratings g;
    random_table(&g, 3, 200, 40, 1);
    unsigned char *c = malloc(g.n);
    o.seed = 1;
    split(&rt, &o, a);
    split(&g, &o, c);
    size_t *ra = malloc(rt.n * sizeof *ra), *rg = malloc(g.n * sizeof *rg);
    int same = rt.n == g.n;
    for (uint32_t u = 0; same && u < 200; u++) {
        size_t ma = user_rows(&rt, u, ra), mg = user_rows(&g, u, rg);
        same &= ma == mg;
        for (size_t j = 0; same && j < ma; j++) same &= a[ra[j]] == c[rg[j]];
    }
    OK(t, same, "frac: grouped and interleaved input give the same per-user picks");
    free(ra); free(rg); free(a); free(b); free(c);
    rs_ratings_free(&rt); rs_ratings_free(&g);
}

static void test_users_frac(tap *t)
{
    rs_ratings rt;
    random_table(&rt, 11, 50, 8, 0);
    unsigned char *a = malloc(rt.n), *b = malloc(rt.n);
    rs_split_opts o;
    rs_split_opts_init(&o);
    o.users_frac = 0.3;
    split(&rt, &o, a);
    rs_split_stats s;
    rs_split_stats_count(&rt, a, &s);
    OK(t, s.users[1] == 15, "users-frac 0.3 of 50 users: 15 test users (got %u)", s.users[1]);
    OK(t, s.users[0] == 35 && s.rows[0] + s.rows[1] == rt.n, "the other 35 are all train");
    split(&rt, &o, b);
    OK(t, memcmp(a, b, rt.n) == 0, "users-frac: same seed, same split");
    o.seed = 99;
    split(&rt, &o, b);
    OK(t, memcmp(a, b, rt.n) != 0, "users-frac: another seed, another split");
    /* With --last, only the chosen users give their last rows. */
    o.seed = 1; o.last = 2;
    split(&rt, &o, b);
    int ok = 1;
    for (size_t k = 0; k < rt.n; k++) ok &= !b[k] || a[k];
    rs_split_stats_count(&rt, b, &s);
    OK(t, ok && s.users[1] == 15 && s.users[0] >= 35, "users-frac with last: subset of the same users");
    free(a); free(b);
    rs_ratings_free(&rt);
}

static void test_user_folds(tap *t)
{
    rs_ratings rt;
    random_table(&rt, 5, 103, 9, 0);
    uint32_t nu = rs_idmap_size(rt.users);
    unsigned *tested = calloc(nu, sizeof *tested);
    unsigned char *test = malloc(rt.n);
    int sizes_ok = 1, last_ok = 1;
    for (int f = 1; f <= 5; f++) {
        rs_split_opts o;
        rs_split_opts_init(&o);
        o.folds = 5; o.fold = f; o.last = 3; o.seed = 42;
        split(&rt, &o, test);
        rs_split_stats s;
        rs_split_stats_count(&rt, test, &s);
        sizes_ok &= s.users[1] == (f <= 3 ? 21u : 20u);   /* 103 = 21+21+21+20+20 */
        unsigned char *seen = calloc(nu, 1);
        for (size_t k = 0; k < rt.n; k++) if (test[k]) seen[rt.u[k]] = 1;
        for (uint32_t u = 0; u < nu; u++) tested[u] += seen[u];
        free(seen);
        /* Each tested user gives exactly min(3, n) rows: her last 3 by time. */
        o.folds = 0; o.fold = 0;
        unsigned char *all = malloc(rt.n);
        split(&rt, &o, all);
        for (size_t k = 0; k < rt.n; k++) last_ok &= !test[k] || all[k];
        free(all);
    }
    int once = 1;
    for (uint32_t u = 0; u < nu; u++) once &= tested[u] == 1;
    OK(t, once, "5 user folds: every user tested exactly once");
    OK(t, sizes_ok, "fold sizes 21,21,21,20,20 (array_split)");
    OK(t, last_ok, "a fold's test rows are its users' last 3");
    free(tested); free(test);
    rs_ratings_free(&rt);
}

static void test_rating_folds(tap *t)
{
    rs_ratings rt;
    random_table(&rt, 9, 40, 20, 0);
    size_t n = rt.n;
    unsigned *hits = calloc(n, sizeof *hits);
    unsigned char *test = malloc(n), *again = malloc(n);
    int sizes_ok = 1;
    const int K = 7;
    for (int f = 1; f <= K; f++) {
        rs_split_opts o;
        rs_split_opts_init(&o);
        o.folds = K; o.fold = f;
        split(&rt, &o, test);
        size_t c = count(test, n), q = n / K, r = n % K;
        sizes_ok &= c == q + ((size_t)f <= r);
        for (size_t k = 0; k < n; k++) hits[k] += test[k];
        if (f == 2) {
            split(&rt, &o, again);
            OK(t, memcmp(test, again, n) == 0, "rating folds: same seed, same fold");
            o.seed = 7;
            split(&rt, &o, again);
            OK(t, memcmp(test, again, n) != 0, "rating folds: another seed, another fold");
        }
    }
    int once = 1;
    for (size_t k = 0; k < n; k++) once &= hits[k] == 1;
    OK(t, once, "rating-level %d-fold: every row in exactly one test fold (%zu rows)", K, n);
    OK(t, sizes_ok, "rating folds sizes differ by at most one, larger first");
    free(hits); free(test); free(again);

    /* Leave-one-out (K = n), and more folds than rows (the last ones empty). */
    for (size_t extra = 0; extra <= 3; extra += 3) {
        hits = calloc(n, sizeof *hits);
        test = malloc(n);
        int one_each = 1;
        for (size_t f = 1; f <= n + extra; f++) {
            rs_split_opts o;
            rs_split_opts_init(&o);
            o.folds = (int64_t)(n + extra); o.fold = (int64_t)f;
            split(&rt, &o, test);
            one_each &= count(test, n) == (f <= n);
            for (size_t k = 0; k < n; k++) hits[k] += test[k];
        }
        once = 1;
        for (size_t k = 0; k < n; k++) once &= hits[k] == 1;
        OK(t, once && one_each, "K = n + %zu: each row tested once, one per fold", extra);
        free(hits); free(test);
    }
    rs_ratings_free(&rt);
}

static void test_check(tap *t)
{
    static const struct { int64_t last; double frac, uf; int64_t folds, fold; const char *what; } bad[] = {
        { 0, -1, -1, 0, 0, "nothing chosen" },
        { 3, 0.5, -1, 0, 0, "last with frac" },
        { 0, -1, -1, 5, 0, "folds without fold" },
        { 0, -1, -1, 0, 2, "fold without folds" },
        { 0, -1, -1, 1, 1, "folds 1" },
        { 0, -1, -1, 5, 6, "fold beyond folds" },
        { 0, -1, -1, 5, -1, "fold negative" },
        { 3, -1, 0.2, 5, 1, "users-frac with folds" },
        { 0, 1.5, -1, 0, 0, "frac above 1" },
        { 0, -1, 2, 0, 0, "users-frac above 1" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        rs_split_opts o;
        rs_split_opts_init(&o);
        o.last = (uint64_t)bad[k].last; o.frac = bad[k].frac; o.users_frac = bad[k].uf;
        o.folds = bad[k].folds; o.fold = bad[k].fold;
        rs_err e = { 0 };
        OK(t, rs_split_check(&o, &e) < 0 && e.code == RS_EUSAGE && e.msg[0],
           "rejected: %s (%s)", bad[k].what, e.msg);
    }
    rs_split_opts o;
    rs_split_opts_init(&o);
    o.folds = 5; o.fold = 5;
    rs_err e = { 0 };
    OK(t, rs_split_check(&o, &e) == 0, "accepted: folds 5 fold 5 alone (rating-level)");
}

int main(void)
{
    tap t = { 0, 0 };
    test_ties(&t);
    test_last_random(&t);
    test_no_time(&t);
    test_frac(&t);
    test_users_frac(&t);
    test_user_folds(&t);
    test_rating_folds(&t);
    test_check(&t);
    return tap_done(&t);
}
