#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/num.h"
#include "prep/filter.h"

void rs_filter_opts_init(rs_filter_opts *o)
{
    memset(o, 0, sizeof *o);
    o->min_rating = -HUGE_VAL;
    o->max_rating = HUGE_VAL;
    o->max_user_items = UINT64_MAX;
    o->dedup = RS_DEDUP_AVG;
    o->limit = UINT64_MAX;
}

static const char *const dedup_names[] = { "avg", "first", "last", "min", "max", "none" };

int rs_filter_dedup_mode(const char *name)
{
    for (int k = 0; k < 6; k++)
        if (strcmp(name, dedup_names[k]) == 0) return k;
    return -1;
}

int rs_id_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    int ia = na > 0 && strspn(a, "0123456789") >= na;
    int ib = nb > 0 && strspn(b, "0123456789") >= nb;
    if (ia != ib) return ia ? -1 : 1;
    if (ia) {
        /* By value: without leading zeros, the longer number is larger. */
        size_t za = 0, zb = 0;
        while (za + 1 < na && a[za] == '0') za++;
        while (zb + 1 < nb && b[zb] == '0') zb++;
        if (na - za != nb - zb) return na - za < nb - zb ? -1 : 1;
        int c = memcmp(a + za, b + zb, na - za);
        if (c) return c;
        /* "01" and "1" are different ids: fall through to a bytewise tie-break. */
    }
    int c = memcmp(a, b, na < nb ? na : nb);
    if (c) return c;
    return na < nb ? -1 : na > nb;
}

/* ---- helpers ------------------------------------------------------------- */

static void note(rs_filter_report *rep, const rs_ratings *rt, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note(rs_filter_report *rep, const rs_ratings *rt, const char *fmt, ...)
{
    if (!rep || rep->n == (int)(sizeof rep->step / sizeof rep->step[0])) return;
    rs_filter_step *s = &rep->step[rep->n++];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->what, sizeof s->what, fmt, ap);
    va_end(ap);
    uint32_t nu = rs_idmap_size(rt->users), ni = rs_idmap_size(rt->items);
    unsigned char *mu = rs_xcalloc(nu ? nu : 1, 1), *mi = rs_xcalloc(ni ? ni : 1, 1);
    s->rows = rt->n;
    s->users = s->items = 0;
    for (size_t k = 0; k < rt->n; k++) {
        s->users += !mu[rt->u[k]];
        mu[rt->u[k]] = 1;
        s->items += !mi[rt->i[k]];
        mi[rt->i[k]] = 1;
    }
    free(mu);
    free(mi);
}

static void count_rows(const rs_ratings *rt, uint32_t *uc, uint32_t *ic)
{
    memset(uc, 0, rs_idmap_size(rt->users) * sizeof *uc);
    memset(ic, 0, rs_idmap_size(rt->items) * sizeof *ic);
    for (size_t k = 0; k < rt->n; k++) {
        uc[rt->u[k]]++;
        ic[rt->i[k]]++;
    }
}

/* Row numbers grouped by user (in key order when rank is given, else by
 * dense id), input order kept within a user: a stable counting sort. */
static uint32_t *group_by_user(const rs_ratings *rt, const uint32_t *rank)
{
    uint32_t nu = rs_idmap_size(rt->users);
    uint32_t *start = rs_xcalloc((size_t)nu + 1, sizeof *start);
    uint32_t *order = rs_xmalloc((rt->n ? rt->n : 1) * sizeof *order);
    for (size_t k = 0; k < rt->n; k++) start[(rank ? rank[rt->u[k]] : rt->u[k]) + 1]++;
    for (uint32_t j = 0; j < nu; j++) start[j + 1] += start[j];
    for (size_t k = 0; k < rt->n; k++) order[start[rank ? rank[rt->u[k]] : rt->u[k]]++] = (uint32_t)k;
    free(start);
    return order;
}

/* ---- dedup --------------------------------------------------------------- */

/* Whether each user's rows form one run (MovieLens files are sorted by user):
 * then grouping them is the identity, and needs no row-sized index. */
static int users_contiguous(const rs_ratings *rt)
{
    uint32_t nu = rs_idmap_size(rt->users);
    unsigned char *seen = rs_xcalloc(nu ? nu : 1, 1);
    int ok = 1;
    for (size_t k = 0; k < rt->n && ok; k++) {
        uint32_t u = rt->u[k];
        if (k && u == rt->u[k - 1]) continue;
        ok = !seen[u];
        seen[u] = 1;
    }
    free(seen);
    return ok;
}

static size_t dedup(rs_ratings *rt, int mode, unsigned char *keep)
{
    size_t n = rt->n, dups = 0;
    uint32_t ni = rs_idmap_size(rt->items);
    uint32_t *order = users_contiguous(rt) ? NULL : group_by_user(rt, NULL);
    uint32_t *mark = rs_xcalloc(ni ? ni : 1, sizeof *mark);   /* user + 1 that last had the item */
    uint32_t *at = rs_xmalloc((ni ? ni : 1) * sizeof *at);    /* that user's first row of it */
    uint32_t *extra = NULL;     /* avg: rows merged into each first row */
    double *r = rt->r;
    int64_t *t = rt->t;
    memset(keep, 1, n);
    for (size_t j = 0; j < n; j++) {
        uint32_t k = order ? order[j] : (uint32_t)j, u = rt->u[k], i = rt->i[k];
        if (mark[i] != u + 1) {
            mark[i] = u + 1;
            at[i] = k;
            continue;
        }
        uint32_t f = at[i];     /* first occurrence: rows of a user are in input order */
        keep[k] = 0;
        dups++;
        switch (mode) {
        case RS_DEDUP_FIRST:
            break;
        case RS_DEDUP_LAST:
            if (r) r[f] = r[k];
            if (t) t[f] = t[k];
            break;
        case RS_DEDUP_MIN:
        case RS_DEDUP_MAX:
            if (r && (mode == RS_DEDUP_MIN ? r[k] < r[f] : r[k] > r[f])) {
                r[f] = r[k];
                if (t) t[f] = t[k];
            }
            break;
        default:    /* avg: the mean rating, at the latest time */
            if (r) {
                if (!extra) extra = rs_xcalloc(n, sizeof *extra);
                r[f] += r[k];
                extra[f]++;
            }
            if (t && t[k] > t[f]) t[f] = t[k];
            break;
        }
    }
    if (extra)
        for (size_t k = 0; k < n; k++)
            if (extra[k]) r[k] /= (double)extra[k] + 1;
    if (dups) rs_ratings_select(rt, keep);
    free(extra);
    free(at);
    free(mark);
    free(order);
    return dups;
}

/* ---- sort ---------------------------------------------------------------- */

static int cmp_users(const void *pa, const void *pb, void *ctx)
{
    const rs_idmap *m = ctx;
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return rs_id_cmp(rs_idmap_str(m, a), rs_idmap_len(m, a), rs_idmap_str(m, b), rs_idmap_len(m, b));
}

static int cmp_rows_by_time(const void *pa, const void *pb, void *ctx)
{
    const int64_t *t = ctx;
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    if (t[a] != t[b]) return t[a] < t[b] ? -1 : 1;
    return a < b ? -1 : a > b;
}

#define PERMUTE(arr, type) do {                                         \
        type *tmp_ = rs_xmalloc(n * sizeof *tmp_);                      \
        for (size_t j_ = 0; j_ < n; j_++) tmp_[j_] = (arr)[order[j_]];  \
        free(arr);                                                      \
        (arr) = tmp_;                                                   \
    } while (0)

static void sort_rows(rs_ratings *rt)
{
    size_t n = rt->n;
    uint32_t nu = rs_idmap_size(rt->users);
    /* Rank the users that are left by id. */
    unsigned char *present = rs_xcalloc(nu ? nu : 1, 1);
    for (size_t k = 0; k < n; k++) present[rt->u[k]] = 1;
    uint32_t *users = rs_xmalloc((nu ? nu : 1) * sizeof *users), m = 0;
    for (uint32_t u = 0; u < nu; u++)
        if (present[u]) users[m++] = u;
    qsort_r(users, m, sizeof *users, cmp_users, rt->users);
    uint32_t *rank = rs_xcalloc(nu ? nu : 1, sizeof *rank);
    for (uint32_t j = 0; j < m; j++) rank[users[j]] = j;
    uint32_t *order = group_by_user(rt, rank);
    /* Within a user by time; input order breaks ties (the grouping kept it). */
    if (rt->t) {
        size_t a = 0;
        while (a < n) {
            size_t b = a + 1;
            int sorted = 1;
            while (b < n && rt->u[order[b]] == rt->u[order[a]]) {
                sorted &= rt->t[order[b]] >= rt->t[order[b - 1]];
                b++;
            }
            if (!sorted) qsort_r(order + a, b - a, sizeof *order, cmp_rows_by_time, rt->t);
            a = b;
        }
    }
    PERMUTE(rt->u, uint32_t);
    PERMUTE(rt->i, uint32_t);
    if (rt->r) PERMUTE(rt->r, double);
    if (rt->t) PERMUTE(rt->t, int64_t);
    rt->cap = n;
    free(order);
    free(rank);
    free(users);
    free(present);
}

/* ---- the steps ----------------------------------------------------------- */

int rs_filter_apply(rs_ratings *rt, const rs_filter_opts *o, rs_filter_report *rep, rs_err *e)
{
    if (rt->n >= UINT32_MAX)
        return rs_errf(e, RS_EDATA, "%zu rows: more than rs-filter handles (%u)", rt->n,
                       UINT32_MAX - 1);
    if (o->rating_set && !rt->r)
        return rs_errf(e, RS_EDATA, "--min-rating/--max-rating: the input has no rating column");
    if (rep) { rep->n = 0; rep->core_passes = 0; }
    note(rep, rt, "input");
    unsigned char *keep = rs_xmalloc(rt->n ? rt->n : 1);
    uint32_t nu = rs_idmap_size(rt->users), ni = rs_idmap_size(rt->items);

    if (o->rating_set) {
        for (size_t k = 0; k < rt->n; k++)
            keep[k] = rt->r[k] >= o->min_rating && rt->r[k] <= o->max_rating;
        rs_ratings_select(rt, keep);
        char lo[RS_NUM_BUF], hi[RS_NUM_BUF];    /* the bounds as given, not to 6 digits */
        rs_num_fmt_f64(lo, o->min_rating);
        rs_num_fmt_f64(hi, o->max_rating);
        if (o->min_rating > -HUGE_VAL && o->max_rating < HUGE_VAL)
            note(rep, rt, "--min-rating %s --max-rating %s", lo, hi);
        else if (o->min_rating > -HUGE_VAL)
            note(rep, rt, "--min-rating %s", lo);
        else
            note(rep, rt, "--max-rating %s", hi);
    }

    int item_f = o->min_item_users > 1;
    int user_f = o->min_user_items > 1 || o->max_user_items < UINT64_MAX;
    if (item_f || user_f) {
        /* Both counts before either filter: the SQL's two sub-selects each
         * read the whole (thresholded) table. */
        uint32_t *uc = rs_xmalloc((nu ? nu : 1) * sizeof *uc);
        uint32_t *ic = rs_xmalloc((ni ? ni : 1) * sizeof *ic);
        count_rows(rt, uc, ic);
        if (item_f) {
            for (size_t k = 0; k < rt->n; k++) keep[k] = ic[rt->i[k]] >= o->min_item_users;
            rs_ratings_select(rt, keep);
            note(rep, rt, "--min-item-users %llu", (unsigned long long)o->min_item_users);
        }
        if (user_f) {
            for (size_t k = 0; k < rt->n; k++) {
                uint32_t c = uc[rt->u[k]];
                keep[k] = c >= o->min_user_items && c <= o->max_user_items;
            }
            rs_ratings_select(rt, keep);
            if (o->max_user_items == UINT64_MAX)
                note(rep, rt, "--min-user-items %llu", (unsigned long long)o->min_user_items);
            else
                note(rep, rt, "--min-user-items %llu --max-user-items %llu",
                     (unsigned long long)o->min_user_items, (unsigned long long)o->max_user_items);
        }
        free(uc);
        free(ic);
    }

    if (o->dedup != RS_DEDUP_NONE) {
        size_t merged = rt->n > 1 ? dedup(rt, o->dedup, keep) : 0;
        note(rep, rt, "--dedup %s (%zu repeated row%s merged)", dedup_names[o->dedup], merged,
             merged == 1 ? "" : "s");
    }

    if (o->core > 1) {
        uint32_t *uc = rs_xmalloc((nu ? nu : 1) * sizeof *uc);
        uint32_t *ic = rs_xmalloc((ni ? ni : 1) * sizeof *ic);
        uint64_t passes = 0;
        for (;;) {
            count_rows(rt, uc, ic);
            passes++;
            size_t before = rt->n;
            for (size_t k = 0; k < rt->n; k++)
                keep[k] = uc[rt->u[k]] >= o->core && ic[rt->i[k]] >= o->core;
            rs_ratings_select(rt, keep);
            if (rt->n == before) break;
        }
        if (rep) rep->core_passes = passes;
        note(rep, rt, "--core %llu (%llu pass%s)", (unsigned long long)o->core,
             (unsigned long long)passes, passes == 1 ? "" : "es");
        free(uc);
        free(ic);
    }
    free(keep);

    if (o->binary) {
        if (!rt->r) rt->r = rs_xmalloc((rt->cap ? rt->cap : 1) * sizeof *rt->r);
        for (size_t k = 0; k < rt->n; k++) rt->r[k] = 1;
    }
    if (o->sort && rt->n > 1) sort_rows(rt);
    if (o->limit < rt->n) {
        rt->n = (size_t)o->limit;
        note(rep, rt, "--limit %llu", (unsigned long long)o->limit);
    }
    return 0;
}
