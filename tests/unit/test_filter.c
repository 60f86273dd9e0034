/* Unit tests of lib/prep/filter: the SQL semantics (against a brute-force
 * reading of the query on random tables), dedup modes, the k-core, sort. */
#include "tap.h"
#include "prep/filter.h"
#include "common/rng.h"

static void add(rs_ratings *rt, const char *u, const char *i, double r, int64_t t)
{
    rs_ratings_add(rt, rs_idmap_intern(rt->users, u, strlen(u)),
                   rs_idmap_intern(rt->items, i, strlen(i)), r, t);
}

static void init_rt(rs_ratings *rt)
{
    rs_ratings_init(rt);
    rt->r = rs_xmalloc(sizeof *rt->r);
    rt->t = rs_xmalloc(sizeof *rt->t);
}

/* The query, read literally: threshold; COUNT(*) per item and per user on
 * the thresholded rows; join; GROUP BY (user, item) with AVG, in order of
 * first occurrence (and the latest time, as rs-filter documents). */
typedef struct row { uint32_t u, i; double r; int64_t t; } row;

static size_t reference(const row *in, size_t n, const rs_filter_opts *o, row *out)
{
    row th[64];
    double cnt[64];
    size_t m = 0, k = 0;
    for (size_t j = 0; j < n; j++)
        if (in[j].r >= o->min_rating && in[j].r <= o->max_rating) th[m++] = in[j];
    for (size_t j = 0; j < m; j++) {
        uint64_t ic = 0, uc = 0;
        for (size_t x = 0; x < m; x++) {
            ic += th[x].i == th[j].i;
            uc += th[x].u == th[j].u;
        }
        if (ic < o->min_item_users || uc < o->min_user_items || uc > o->max_user_items) continue;
        size_t g = 0;
        while (g < k && !(out[g].u == th[j].u && out[g].i == th[j].i)) g++;
        if (g == k) { out[k] = th[j]; out[k].r = 0; cnt[k++] = 0; }
        out[g].r += th[j].r;
        cnt[g]++;
        if (th[j].t > out[g].t) out[g].t = th[j].t;
    }
    for (size_t g = 0; g < k; g++) out[g].r /= cnt[g];
    return k;
}

int main(void)
{
    tap t = { 0 };
    rs_err e;
    rs_filter_opts o;
    rs_ratings rt;

    /* The worked example of rs-filter(1). */
    init_rt(&rt);
    add(&rt, "u1", "a", 5, 10); add(&rt, "u1", "b", 4, 11); add(&rt, "u1", "a", 3, 12);
    add(&rt, "u2", "a", 4, 13); add(&rt, "u2", "c", 2, 14); add(&rt, "u3", "a", 5, 15);
    add(&rt, "u3", "b", 1, 16); add(&rt, "u3", "c", 4, 17); add(&rt, "u3", "d", 5, 18);
    add(&rt, "u4", "b", 5, 19);
    rs_filter_opts_init(&o);
    o.min_rating = 2; o.rating_set = 1;
    o.min_item_users = 3; o.min_user_items = 2; o.max_user_items = 3;
    rs_filter_report rep;
    int rc = rs_filter_apply(&rt, &o, &rep, &e);
    OK(&t, rc == 0 && rt.n == 3, "worked example: 3 rows");
    OK(&t, rc == 0 && rt.u[0] == 0 && rt.r[0] == 4 && rt.t[0] == 12 && rt.u[1] == 1 && rt.r[1] == 4 &&
       rt.u[2] == 2 && rt.r[2] == 5, "u1 a 4 12, u2 a 4, u3 a 5");
    OK(&t, rep.n == 5 && rep.step[0].rows == 10 && rep.step[1].rows == 9 && rep.step[2].rows == 4 &&
       rep.step[2].items == 1 && rep.step[3].users == 3 && rep.step[4].rows == 3,
       "the report counts rows, users and items after each step");
    rs_ratings_free(&rt);

    /* Random tables against the brute-force query. */
    rs_rng g;
    rs_rng_seed(&g, 7);
    int agree = 1;
    for (int trial = 0; trial < 400 && agree; trial++) {
        size_t n = rs_rng_below(&g, 40);
        row in[40], want[40];
        init_rt(&rt);
        char ub[8], ib[8];
        for (size_t k = 0; k < n; k++) {
            in[k].u = (uint32_t)rs_rng_below(&g, 6);
            in[k].i = (uint32_t)rs_rng_below(&g, 7);
            in[k].r = 1 + (double)rs_rng_below(&g, 9) / 2;
            in[k].t = (int64_t)rs_rng_below(&g, 1000);
            snprintf(ub, sizeof ub, "u%u", in[k].u);
            snprintf(ib, sizeof ib, "i%u", in[k].i);
            add(&rt, ub, ib, in[k].r, in[k].t);
        }
        rs_filter_opts_init(&o);
        if (rs_rng_below(&g, 2)) { o.min_rating = 1 + (double)rs_rng_below(&g, 6) / 2; o.rating_set = 1; }
        o.min_item_users = rs_rng_below(&g, 5);
        o.min_user_items = rs_rng_below(&g, 5);
        if (rs_rng_below(&g, 2)) o.max_user_items = o.min_user_items + rs_rng_below(&g, 6);
        size_t m = reference(in, n, &o, want);
        if (n == 0) { rs_ratings_free(&rt); continue; }
        rs_filter_apply(&rt, &o, NULL, &e);
        int same = rt.n == m;
        for (size_t k = 0; same && k < m; k++) {
            char wu[8], wi[8];
            snprintf(wu, sizeof wu, "u%u", want[k].u);
            snprintf(wi, sizeof wi, "i%u", want[k].i);
            same = strcmp(rs_idmap_str(rt.users, rt.u[k]), wu) == 0 &&
                   strcmp(rs_idmap_str(rt.items, rt.i[k]), wi) == 0 &&
                   fabs(rt.r[k] - want[k].r) < 1e-12 && rt.t[k] == want[k].t;
        }
        if (!same) printf("#   trial %d: %zu rows, want %zu\n", trial, rt.n, m);
        agree = same;
        rs_ratings_free(&rt);
    }
    OK(&t, agree, "400 random tables: same rows, order, AVG and latest time as the query");

    /* Dedup modes on (1,a) = 3@100, 5@90, 4@200. */
    static const struct { int mode; double r; int64_t t; size_t n; } dd[] = {
        { RS_DEDUP_AVG, 4, 200, 3 }, { RS_DEDUP_FIRST, 3, 100, 3 }, { RS_DEDUP_LAST, 4, 200, 3 },
        { RS_DEDUP_MIN, 3, 100, 3 }, { RS_DEDUP_MAX, 5, 90, 3 }, { RS_DEDUP_NONE, 3, 100, 5 } };
    for (size_t k = 0; k < sizeof dd / sizeof *dd; k++) {
        init_rt(&rt);
        /* Users not grouped: the dedup must group them itself. */
        add(&rt, "1", "a", 3, 100); add(&rt, "2", "a", 2, 10); add(&rt, "1", "b", 4, 50);
        add(&rt, "1", "a", 5, 90); add(&rt, "1", "a", 4, 200);
        rs_filter_opts_init(&o);
        o.dedup = dd[k].mode;
        rs_filter_apply(&rt, &o, NULL, &e);
        OK(&t, rt.n == dd[k].n && rt.r[0] == dd[k].r && rt.t[0] == dd[k].t && rt.i[1] == 0 && rt.u[1] == 1,
           "--dedup %d: (1,a) is %g at %lld, first in place", dd[k].mode, dd[k].r, (long long)dd[k].t);
        rs_ratings_free(&rt);
    }
    OK(&t, rs_filter_dedup_mode("max") == RS_DEDUP_MAX && rs_filter_dedup_mode("mean") < 0, "mode names");

    /* k-core: u4 goes, then item c, then u3. */
    init_rt(&rt);
    add(&rt, "u1", "a", 1, 0); add(&rt, "u1", "b", 1, 0); add(&rt, "u2", "a", 1, 0);
    add(&rt, "u2", "b", 1, 0); add(&rt, "u3", "a", 1, 0); add(&rt, "u3", "c", 1, 0);
    add(&rt, "u4", "c", 1, 0);
    rs_filter_opts_init(&o);
    o.core = 2;
    rs_filter_apply(&rt, &o, &rep, &e);
    OK(&t, rt.n == 4 && rep.core_passes == 4, "2-core: 4 rows after 4 passes");
    int core_ok = 1;
    for (size_t k = 0; k < rt.n; k++) core_ok &= rt.u[k] <= 1 && rt.i[k] <= 1;
    OK(&t, core_ok, "2-core: u1,u2 x a,b");
    rs_ratings_free(&rt);

    /* Sort, binary, limit. */
    init_rt(&rt);
    add(&rt, "10", "x", 1, 5); add(&rt, "b", "x", 1, 1); add(&rt, "9", "y", 2, 7);
    add(&rt, "9", "x", 3, 3); add(&rt, "10", "z", 4, 5); add(&rt, "01", "q", 5, 9);
    rs_filter_opts_init(&o);
    o.sort = 1; o.binary = 1; o.limit = 5;
    rs_filter_apply(&rt, &o, NULL, &e);
    const char *want_u[] = { "01", "9", "9", "10", "10" };
    const int64_t want_t[] = { 9, 3, 7, 5, 5 };
    int sorted = rt.n == 5;
    for (size_t k = 0; sorted && k < 5; k++)
        sorted = strcmp(rs_idmap_str(rt.users, rt.u[k]), want_u[k]) == 0 && rt.t[k] == want_t[k] &&
                 rt.r[k] == 1;
    OK(&t, sorted, "--sort: 01 9 9 10 10 (then b, cut by --limit 5), by time; --binary");
    OK(&t, sorted && strcmp(rs_idmap_str(rt.items, rt.i[3]), "x") == 0, "equal times keep input order");
    rs_ratings_free(&rt);

    OK(&t, rs_id_cmp("9", 1, "10", 2) < 0 && rs_id_cmp("10", 2, "9", 1) > 0, "9 < 10");
    OK(&t, rs_id_cmp("10", 2, "1a", 2) < 0 && rs_id_cmp("1a", 2, "9", 1) > 0, "integers before other ids");
    OK(&t, rs_id_cmp("01", 2, "1", 1) != 0 && rs_id_cmp("01", 2, "2", 1) < 0, "01 is 1, yet not the same id");
    OK(&t, rs_id_cmp("ab", 2, "abc", 3) < 0 && rs_id_cmp("b", 1, "abc", 3) > 0, "others bytewise");

    init_rt(&rt);
    add(&rt, "1", "a", 3, 1);
    rs_filter_opts_init(&o);
    o.min_rating = 4; o.rating_set = 1;
    rc = rs_filter_apply(&rt, &o, NULL, &e);
    OK(&t, rc == 0 && rt.n == 0, "everything filtered away is not an error");
    rs_ratings_free(&rt);
    rs_ratings_init(&rt);
    add(&rt, "1", "a", 3, 1);
    rc = rs_filter_apply(&rt, &o, NULL, &e);
    OK(&t, rc < 0 && strstr(e.msg, "no rating column"), "a threshold needs ratings");
    rs_ratings_free(&rt);
    return tap_done(&t);
}
