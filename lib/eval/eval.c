#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "eval/eval.h"
#include "common/idmap.h"
#include "common/num.h"
#include "common/xsum.h"
#include "prep/ratings.h"

/* One input line of either kind, kept with where it came from so that
 * errors found after reading (a rank given twice) can still name it. */
struct rec { int64_t rank; uint32_t u, i, src; uint64_t line; };
struct pred { double score; uint32_t u, i, src; uint64_t line; };

struct rs_eval {
    rs_idmap *users, *items;    /* shared by every input: ids match by string */
    char **src;                 /* input names */
    size_t nsrc, csrc;
    struct rec *rec;
    size_t nrec, crec;
    struct pred *pred;
    size_t npred, cpred;
    uint32_t *tu, *ti;          /* test rows */
    double *tr;                 /* NULL when the test set has no ratings */
    size_t nt;
    char *test_name;
    uint32_t *train_item;       /* distinct training items and their user counts */
    uint64_t *train_count;
    size_t ntrain_items;
    uint64_t train_users;
    int has_train;
    struct rec *base;           /* --baseline lists */
    size_t nbase, cbase;
    int has_base;
    const rs_features *feat;    /* borrowed */
    const rs_idmap *qitems;     /* borrowed item factors */
    const float *Q;
    uint32_t qk;
    int shard;                  /* rs_eval_set_shard */
};

rs_eval *rs_eval_new(void)
{
    rs_eval *ev = rs_xcalloc(1, sizeof *ev);
    ev->users = rs_idmap_new();
    ev->items = rs_idmap_new();
    return ev;
}

void rs_eval_free(rs_eval *ev)
{
    if (!ev) return;
    rs_idmap_free(ev->users);
    rs_idmap_free(ev->items);
    for (size_t k = 0; k < ev->nsrc; k++) free(ev->src[k]);
    free(ev->src);
    free(ev->rec); free(ev->pred); free(ev->base);
    free(ev->tu); free(ev->ti); free(ev->tr); free(ev->test_name);
    free(ev->train_item); free(ev->train_count);
    free(ev);
}

static uint32_t add_src(rs_eval *ev, const char *name)
{
    rs_grow(&ev->src, &ev->csrc, ev->nsrc + 1, sizeof *ev->src);
    ev->src[ev->nsrc] = rs_xstrdup(name);
    return (uint32_t)ev->nsrc++;
}

/* Cut line at tabs; stores up to max field starts, returns the full count. */
static int split(char *line, size_t len, char **f, int max)
{
    int nf = 0;
    char *p = line, *end = line + len;
    for (;;) {
        char *tab = memchr(p, '\t', (size_t)(end - p));
        if (nf < max) f[nf] = p;
        nf++;
        if (!tab) return nf;
        *tab = '\0';
        p = tab + 1;
    }
}

static int not_text(rs_in *in, const char *what, rs_err *e)
{
    int b = rs_in_is_binary(in, e);
    if (b < 0) return -1;
    if (b)
        return rs_errf(e, RS_EDATA, "%s: this is an rs binary stream (a matrix or model), "
                       "not %s (hint: rs-recommend turns a model into them)",
                       rs_in_name(in), what);
    return 0;
}


static int read_lists(rs_eval *ev, rs_in *in, struct rec **arr, size_t *narr, size_t *carr,
                      rs_err *e)
{
    static const char *const name[] = { "user", "rank", "item", "score" };
    const char *src = rs_in_name(in);
    char *line, *f[4];
    size_t len;
    int rc;
    if (not_text(in, "recommendations", e) < 0) return -1;
    uint32_t s = add_src(ev, src);
    while ((rc = rs_in_getline(in, &line, &len, e)) == 1) {
        unsigned long long ln = rs_in_lineno(in);
        if (line[0] == '#') continue;
        int nf = split(line, len, f, 4);
        if (nf < 4)
            return rs_errf(e, RS_EDATA, "%s: line %llu: %d field%s, expected "
                           "user<TAB>rank<TAB>item<TAB>score", src, ln, nf, nf == 1 ? "" : "s");
        for (int k = 0; k < 4; k++)
            if (!*f[k])
                return rs_errf(e, RS_EDATA, "%s: line %llu, field %d (%s): empty",
                               src, ln, k + 1, name[k]);
        char *end;
        errno = 0;
        long long rank = strtoll(f[1], &end, 10);
        if (*end || !(isdigit((unsigned char)f[1][0]) || f[1][0] == '-'))
            return rs_errf(e, RS_EDATA, "%s: line %llu, field 2 (rank): not an integer: '%.40s'",
                           src, ln, f[1]);
        if (errno == ERANGE || rank < 1)
            return rs_errf(e, RS_EDATA, "%s: line %llu, field 2 (rank): %s: '%.40s'",
                           src, ln, errno == ERANGE ? "out of range" : "ranks start at 1", f[1]);
        double score;
        const char *why;
        if (rs_num_f64(f[3], strlen(f[3]), &score, &why) < 0)
            return rs_errf(e, RS_EDATA, "%s: line %llu, field 4 (score): %s: '%.40s'",
                           src, ln, why, f[3]);
        rs_grow(arr, carr, *narr + 1, sizeof **arr);
        (*arr)[(*narr)++] = (struct rec){
            .rank = rank,
            .u = rs_idmap_intern(ev->users, f[0], strlen(f[0])),
            .i = rs_idmap_intern(ev->items, f[2], strlen(f[2])),
            .src = s, .line = ln };
    }
    return rc < 0 ? -1 : 0;
}

int rs_eval_read_recs(rs_eval *ev, rs_in *in, rs_err *e)
{
    return read_lists(ev, in, &ev->rec, &ev->nrec, &ev->crec, e);
}

int rs_eval_read_baseline(rs_eval *ev, rs_in *in, rs_err *e)
{
    ev->has_base = 1;
    return read_lists(ev, in, &ev->base, &ev->nbase, &ev->cbase, e);
}

void rs_eval_set_features(rs_eval *ev, const rs_features *f) { ev->feat = f; }

void rs_eval_set_shard(rs_eval *ev) { ev->shard = 1; }

void rs_eval_set_factors(rs_eval *ev, const rs_idmap *items, const float *Q, uint32_t k)
{
    ev->qitems = items;
    ev->Q = Q;
    ev->qk = k;
}

int rs_eval_read_predictions(rs_eval *ev, rs_in *in, rs_err *e)
{
    static const char *const name[] = { "user", "item", "score" };
    const char *src = rs_in_name(in);
    char *line, *f[3];
    size_t len;
    int rc;
    if (not_text(in, "predictions", e) < 0) return -1;
    uint32_t s = add_src(ev, src);
    while ((rc = rs_in_getline(in, &line, &len, e)) == 1) {
        unsigned long long ln = rs_in_lineno(in);
        if (line[0] == '#') continue;
        int nf = split(line, len, f, 3);
        if (nf != 3)
            return rs_errf(e, RS_EDATA, "%s: line %llu: %d field%s, expected "
                           "user<TAB>item<TAB>score (rs-recommend --predict)",
                           src, ln, nf, nf == 1 ? "" : "s");
        for (int k = 0; k < 3; k++)
            if (!*f[k])
                return rs_errf(e, RS_EDATA, "%s: line %llu, field %d (%s): empty",
                               src, ln, k + 1, name[k]);
        double score;
        const char *why;
        if (rs_parse_rating(f[2], &score, &why) < 0)
            return rs_errf(e, RS_EDATA, "%s: line %llu, field 3 (score): %s: '%.40s'",
                           src, ln, why, f[2]);
        rs_grow(&ev->pred, &ev->cpred, ev->npred + 1, sizeof *ev->pred);
        ev->pred[ev->npred++] = (struct pred){
            .score = score,
            .u = rs_idmap_intern(ev->users, f[0], strlen(f[0])),
            .i = rs_idmap_intern(ev->items, f[1], strlen(f[1])),
            .src = s, .line = ln };
    }
    return rc < 0 ? -1 : 0;
}

int rs_eval_read_test(rs_eval *ev, rs_in *in, rs_err *e)
{
    rs_ratings rt;
    rs_ratings_init(&rt);
    if (rs_ratings_read_tsv(in, &rt, ev->shard, e) < 0) { rs_ratings_free(&rt); return -1; }
    uint32_t *tu = rs_idmap_intern_all(ev->users, rt.users);
    uint32_t *ti = rs_idmap_intern_all(ev->items, rt.items);
    free(ev->tu); free(ev->ti); free(ev->tr); free(ev->test_name);
    ev->nt = rt.n;
    ev->tu = rs_xmalloc(rt.n * sizeof *ev->tu);
    ev->ti = rs_xmalloc(rt.n * sizeof *ev->ti);
    for (size_t j = 0; j < rt.n; j++) { ev->tu[j] = tu[rt.u[j]]; ev->ti[j] = ti[rt.i[j]]; }
    ev->tr = rt.r;
    rt.r = NULL;
    ev->test_name = rs_xstrdup(rs_in_name(in));
    free(tu); free(ti);
    rs_ratings_free(&rt);
    return 0;
}

/* Row numbers grouped by key (a stable counting sort): rows of key k are
 * order[start[k] .. start[k+1]). */
static size_t *group(const uint32_t *key, size_t n, size_t stride, size_t nkeys, size_t **order)
{
    size_t *start = rs_xcalloc(nkeys + 1, sizeof *start);
    const char *p = (const char *)key;
    for (size_t j = 0; j < n; j++) start[*(const uint32_t *)(p + j * stride) + 1]++;
    for (size_t k = 0; k < nkeys; k++) start[k + 1] += start[k];
    size_t *fill = rs_xmalloc((nkeys + 1) * sizeof *fill);
    memcpy(fill, start, (nkeys + 1) * sizeof *fill);
    *order = rs_xmalloc((n ? n : 1) * sizeof **order);
    for (size_t j = 0; j < n; j++) (*order)[fill[*(const uint32_t *)(p + j * stride)]++] = j;
    free(fill);
    return start;
}

int rs_eval_read_train(rs_eval *ev, rs_in *in, rs_err *e)
{
    rs_ratings rt;
    rs_ratings_init(&rt);
    if (rs_ratings_read_tsv(in, &rt, 0, e) < 0) { rs_ratings_free(&rt); return -1; }
    uint32_t nu = rs_idmap_size(rt.users), ni = rs_idmap_size(rt.items);
    uint32_t *ti = rs_idmap_intern_all(ev->items, rt.items);
    /* Popularity counts users, not lines: a user who rated an item twice counts once. */
    size_t *order, *start = group(rt.u, rt.n, sizeof *rt.u, nu, &order);
    uint32_t *stamp = rs_xcalloc(ni ? ni : 1, sizeof *stamp);
    uint64_t *count = rs_xcalloc(ni ? ni : 1, sizeof *count);
    for (uint32_t u = 0; u < nu; u++)
        for (size_t j = start[u]; j < start[u + 1]; j++) {
            uint32_t i = rt.i[order[j]];
            if (stamp[i] != u + 1) { stamp[i] = u + 1; count[i]++; }
        }
    free(ev->train_item); free(ev->train_count);
    ev->train_item = ti;
    ev->train_count = count;
    ev->ntrain_items = ni;
    ev->train_users = nu;
    ev->has_train = 1;
    free(stamp); free(order); free(start);
    rs_ratings_free(&rt);
    return 0;
}

const char *rs_eval_item_id(const rs_eval *ev, uint32_t item, size_t *len)
{
    *len = rs_idmap_len(ev->items, item);
    return rs_idmap_str(ev->items, item);
}

const char *rs_eval_user_id(const rs_eval *ev, uint32_t user, size_t *len)
{
    *len = rs_idmap_len(ev->users, user);
    return rs_idmap_str(ev->users, user);
}

void rs_eval_sizes_get(const rs_eval *ev, rs_eval_sizes *s)
{
    *s = (rs_eval_sizes){ .recs = ev->nrec, .predictions = ev->npred, .test = ev->nt,
                          .train_users = ev->train_users, .train_items = ev->ntrain_items };
}

/* "on line N", or "in FILE, line N" when the first occurrence was in another input. */
static void first_at(const rs_eval *ev, uint32_t here, uint32_t src, uint64_t line,
                     char *buf, size_t n)
{
    if (here == src) snprintf(buf, n, "on line %llu", (unsigned long long)line);
    else snprintf(buf, n, "in %.400s, line %llu", ev->src[src], (unsigned long long)line);
}

static int by_rank(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
    if (x->src != y->src) return x->src < y->src ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

void rs_topn_report_free(rs_topn_report *r)
{
    free(r->rows);
    free(r->per);
    free(r->sums); free(r->nsums); free(r->best); free(r->cat);
    memset(r, 0, sizeof *r);
}

/* Each user's list: recs sorted by (user, rank); list of u is
 * out[start[u] .. start[u+1]).  A rank given twice is an error. */
static int group_recs(rs_eval *ev, const struct rec *rec, size_t nrec, size_t nusers,
                      struct rec **out, size_t **startp, rs_err *e)
{
    size_t *order, *start = group(nrec ? &rec[0].u : NULL, nrec, sizeof *rec, nusers, &order);
    struct rec *g = rs_xmalloc((nrec ? nrec : 1) * sizeof *g);
    for (size_t j = 0; j < nrec; j++) g[j] = rec[order[j]];
    free(order);
    for (size_t u = 0; u < nusers; u++) {
        size_t a = start[u], b = start[u + 1];
        qsort(g + a, b - a, sizeof *g, by_rank);
        for (size_t j = a + 1; j < b; j++)
            if (g[j].rank == g[j - 1].rank) {
                char where[512];
                first_at(ev, g[j].src, g[j - 1].src, g[j - 1].line, where, sizeof where);
                rs_errf(e, RS_EDATA, "%s: line %llu, field 2 (rank): user '%s' has rank %lld "
                        "twice (first %s)", ev->src[g[j].src], (unsigned long long)g[j].line,
                        rs_idmap_str(ev->users, (uint32_t)u), (long long)g[j].rank, where);
                free(g); free(start);
                return -1;
            }
    }
    *out = g;
    *startp = start;
    return 0;
}

/* One top-N evaluation's scratch: lists and test rows grouped by user,
 * stamps, and the sums behind the means. */
typedef struct topn_work {
    rs_eval *ev;
    const rs_topn_opts *o;
    size_t nu, ni, nk, maxk;
    struct rec *g;              /* lists by user, then rank: user u's is g[rstart[u]..] */
    size_t *rstart, *torder, *tstart;
    struct rec *bg;             /* the same for the baseline lists */
    size_t *bstart;
    /* Stamps mark the current user's relevant and listed items without
     * clearing arrays the size of the catalogue for every user: relevant
     * by user + 1, listed by a count of the lists walked. */
    uint32_t *relevant, *listed, *seen, *astamp;
    uint32_t gen;
    uint64_t *best;             /* best position of each item over all lists */
    double *info;               /* self-information of each item, with --train */
    unsigned char *tail;        /* each item in the long tail, with --train and beyond */
    unsigned char *hit;         /* the current user's hit vector */
    unsigned char *first;       /* and which of its positions first hold their item */
    unsigned char *utail;
    double *uinfo;              /* and the information of its items */
    double *ushare;             /* and their chance of being recommended to anyone */
    double *dist;               /* and the distances of its first maxk items */
    uint64_t *nrel;             /* per user, 0 when not evaluated */
    uint32_t *count;            /* nk x ni: evaluated users whose top K holds the item */
    double *sw, *sw2;           /* nk x ni: sums of 1/sqrt(|list@K|) and its square */
    uint64_t *npers;            /* per k: evaluated users with a list */
    int64_t *fidx, *qidx;       /* each item's row in the features, the factors, or -1 */
    rs_xsum *sum;               /* NSUM per k: exact, so shards' sums add up (eval/partial.h) */
    uint64_t *nsum;             /* NSUM per k: users in each mean */
    uint64_t *short_lists;      /* per k */
    unsigned char *in_test;
    size_t cper;
} topn_work;

/* Sums per cutoff, and how many users each is over; indexed by metric. */
enum { S_HIT = RS_M_HITRATE, S_PREC = RS_M_PRECISION, S_REC = RS_M_RECALL, S_AP = RS_M_MAP,
       S_NDCG = RS_M_NDCG, S_RR = RS_M_MRR, S_NOV = RS_M_NOVELTY, S_TAIL = RS_M_LONGTAIL,
       S_SER = RS_M_SERENDIPITY, S_DIV = RS_M_DIVERSITY, S_ATTR = RS_M_ATTR_COVERAGE,
       NSUM = RS_NMETRICS };

static int by_count_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x < y) - (x > y);
}

/* The long tail: every item but the head, the ceil(head x |training
 * items|) most popular training items (ties at the border all in it). */
static void long_tail(topn_work *w, const uint64_t *count)
{
    const rs_eval *ev = w->ev;
    w->tail = rs_xmalloc(w->ni + 1);
    memset(w->tail, 1, w->ni + 1);
    size_t n = ev->ntrain_items, h = (size_t)ceil(w->o->head * (double)n);
    if (!n || !h) return;
    if (h > n) h = n;
    uint64_t *c = rs_xmalloc(n * sizeof *c);
    memcpy(c, ev->train_count, n * sizeof *c);
    qsort(c, n, sizeof *c, by_count_desc);
    uint64_t border = c[h - 1];
    free(c);
    for (size_t i = 0; i < w->ni; i++) w->tail[i] = count[i] < border || !count[i];
}

static void item_rows(topn_work *w)
{
    const rs_eval *ev = w->ev;
    if (ev->feat) {
        w->fidx = rs_xmalloc((w->ni + 1) * sizeof *w->fidx);
        for (size_t i = 0; i < w->ni; i++)
            w->fidx[i] = rs_idmap_find(ev->feat->items, rs_idmap_str(ev->items, (uint32_t)i),
                                       rs_idmap_len(ev->items, (uint32_t)i));
        w->astamp = rs_xcalloc(rs_idmap_size(ev->feat->attrs) + 1, sizeof *w->astamp);
    }
    if (ev->Q) {
        w->qidx = rs_xmalloc((w->ni + 1) * sizeof *w->qidx);
        for (size_t i = 0; i < w->ni; i++)
            w->qidx[i] = rs_idmap_find(ev->qitems, rs_idmap_str(ev->items, (uint32_t)i),
                                       rs_idmap_len(ev->items, (uint32_t)i));
    }
}

static int work_init(topn_work *w, rs_eval *ev, const rs_topn_opts *o, rs_err *e)
{
    *w = (topn_work){ .ev = ev, .o = o, .nu = rs_idmap_size(ev->users),
                      .ni = rs_idmap_size(ev->items), .nk = (size_t)o->nk };
    size_t ni = w->ni, nk = w->nk;
    for (size_t k = 0; k < nk; k++)
        if ((size_t)o->ks[k] > w->maxk) w->maxk = (size_t)o->ks[k];
    if (group_recs(ev, ev->rec, ev->nrec, w->nu, &w->g, &w->rstart, e) < 0) return -1;
    if (ev->has_base && group_recs(ev, ev->base, ev->nbase, w->nu, &w->bg, &w->bstart, e) < 0) {
        free(w->g); free(w->rstart);
        return -1;
    }
    w->tstart = group(ev->tu, ev->nt, sizeof *ev->tu, w->nu, &w->torder);
    w->relevant = rs_xcalloc(ni + 1, sizeof *w->relevant);
    w->listed = rs_xcalloc(ni + 1, sizeof *w->listed);
    w->seen = rs_xcalloc(ni + 1, sizeof *w->seen);
    w->best = rs_xmalloc((ni + 1) * sizeof *w->best);
    for (size_t i = 0; i < ni; i++) w->best[i] = UINT64_MAX;
    if (ev->has_train) {
        uint64_t *count = rs_xcalloc(ni + 1, sizeof *count);
        for (size_t j = 0; j < ev->ntrain_items; j++) count[ev->train_item[j]] = ev->train_count[j];
        w->info = rs_xmalloc((ni + 1) * sizeof *w->info);
        for (size_t i = 0; i < ni; i++) w->info[i] = rs_self_information(count[i], ev->train_users);
        if (o->beyond) long_tail(w, count);
        free(count);
    }
    item_rows(w);
    size_t maxlen = 1;
    for (size_t u = 0; u < w->nu; u++)
        if (w->rstart[u + 1] - w->rstart[u] > maxlen) maxlen = w->rstart[u + 1] - w->rstart[u];
    w->hit = rs_xmalloc(maxlen);
    w->first = rs_xmalloc(maxlen);
    w->utail = rs_xcalloc(maxlen, 1);
    w->uinfo = rs_xmalloc(maxlen * sizeof *w->uinfo);
    w->ushare = rs_xcalloc(maxlen, sizeof *w->ushare);
    size_t m = w->maxk < maxlen ? w->maxk : maxlen;
    w->dist = rs_xmalloc((m * m + 1) * sizeof *w->dist);
    w->nrel = rs_xcalloc(w->nu + 1, sizeof *w->nrel);
    if (o->beyond) {
        w->count = rs_xcalloc(nk * ni + 1, sizeof *w->count);
        w->sw = rs_xcalloc(nk * ni + 1, sizeof *w->sw);
        w->sw2 = rs_xcalloc(nk * ni + 1, sizeof *w->sw2);
        w->npers = rs_xcalloc(nk + 1, sizeof *w->npers);
    }
    w->sum = rs_xcalloc(nk * NSUM + 1, sizeof *w->sum);
    w->nsum = rs_xcalloc(nk * NSUM + 1, sizeof *w->nsum);
    w->short_lists = rs_xcalloc(nk + 1, sizeof *w->short_lists);
    w->in_test = rs_xcalloc(w->nu + 1, 1);
    return 0;
}

static void work_free(topn_work *w)
{
    free(w->in_test); free(w->short_lists); free(w->sum); free(w->nsum);
    free(w->uinfo); free(w->ushare); free(w->utail); free(w->dist);
    free(w->hit); free(w->first); free(w->nrel);
    free(w->count); free(w->sw); free(w->sw2); free(w->npers);
    free(w->fidx); free(w->qidx); free(w->astamp); free(w->tail);
    free(w->info); free(w->best); free(w->listed); free(w->seen); free(w->relevant);
    free(w->torder); free(w->tstart); free(w->rstart); free(w->g);
    free(w->bstart); free(w->bg);
}

/* Stamp test user u's relevant items in mark; how many distinct ones there are. */
static uint64_t mark_relevant(topn_work *w, uint32_t u, uint32_t *mark)
{
    const rs_eval *ev = w->ev;
    uint64_t nrel = 0;
    for (size_t j = w->tstart[u]; j < w->tstart[u + 1]; j++) {
        size_t t = w->torder[j];
        uint32_t i = ev->ti[t];
        if (w->o->threshold_set && !(ev->tr[t] >= w->o->threshold)) continue;
        if (mark[i] != u + 1) { mark[i] = u + 1; nrel++; }
    }
    return nrel;
}

/* Over one evaluated user's list (of g from start): count its distinct
 * items at each cutoff for serendipity's shares, and with pers the sums
 * behind personalization. */
static void count_list(topn_work *w, const struct rec *list, size_t n, int pers)
{
    const rs_topn_opts *o = w->o;
    w->gen++;
    for (size_t k = 0; k < w->nk; k++) {
        size_t K = (size_t)o->ks[k], len = 0;
        uint32_t *count = w->count + k * w->ni;
        w->gen++;
        for (size_t p = 0; p < n && p < K; p++)
            if (w->listed[list[p].i] != w->gen) {
                w->listed[list[p].i] = w->gen;
                count[list[p].i]++;
                len++;
            }
        if (!pers || !len) continue;
        double wt = 1 / sqrt((double)len);
        w->npers[k]++;
        w->gen++;
        for (size_t p = 0; p < n && p < K; p++)
            if (w->listed[list[p].i] != w->gen) {
                w->listed[list[p].i] = w->gen;
                w->sw[k * w->ni + list[p].i] += wt;
                w->sw2[k * w->ni + list[p].i] += wt * wt;
            }
    }
}

/* Distance of two items, NAN when unknown. */
static double item_dist(const topn_work *w, uint32_t a, uint32_t b)
{
    const rs_eval *ev = w->ev;
    double c;
    if (w->qidx) {
        if (w->qidx[a] < 0 || w->qidx[b] < 0) return NAN;
        c = rs_cosine_f32(ev->Q + (size_t)w->qidx[a] * ev->qk, ev->Q + (size_t)w->qidx[b] * ev->qk,
                          ev->qk);
    } else {
        if (w->fidx[a] < 0 || w->fidx[b] < 0) return NAN;
        const rs_features *f = ev->feat;
        size_t x = (size_t)w->fidx[a], y = (size_t)w->fidx[b];
        c = rs_cosine_sets(f->attr + f->start[x], f->start[x + 1] - f->start[x],
                           f->attr + f->start[y], f->start[y + 1] - f->start[y]);
    }
    return 1 - c;
}

/* Diversity and attribute coverage of user u's list at cutoff K. */
static void list_attributes(topn_work *w, const struct rec *list, size_t n, size_t K,
                            double *div, double *attr)
{
    const rs_eval *ev = w->ev;
    size_t m = n < w->maxk ? n : w->maxk;
    *div = *attr = NAN;
    if (!n) return;
    if (w->fidx || w->qidx) {
        for (size_t p = 0; p < m; p++)
            for (size_t q = p + 1; q < m; q++)
                w->dist[p * m + q] = w->first[p] && w->first[q] ? item_dist(w, list[p].i, list[q].i)
                                                                : NAN;
        *div = rs_ild_at(w->dist, m, K);
    }
    if (w->fidx) {
        const rs_features *f = ev->feat;
        size_t covered = 0;
        w->gen++;
        for (size_t p = 0; p < n && p < K; p++) {
            if (w->fidx[list[p].i] < 0) continue;
            size_t x = (size_t)w->fidx[list[p].i];
            for (size_t j = f->start[x]; j < f->start[x + 1]; j++)
                if (w->astamp[f->attr[j]] != w->gen) { w->astamp[f->attr[j]] = w->gen; covered++; }
        }
        *attr = (double)covered / (double)rs_idmap_size(f->attrs);
    }
}

static void add_sum(topn_work *w, size_t k, int s, double v)
{
    if (isnan(v)) return;
    rs_xsum_add(&w->sum[k * NSUM + s], v);
    w->nsum[k * NSUM + s]++;
}

/* User u's list against its nrel relevant items, at every cutoff. */
static void score_user(topn_work *w, uint32_t u, uint64_t nrel, rs_topn_report *r)
{
    const rs_topn_opts *o = w->o;
    const struct rec *list = w->g + w->rstart[u];
    size_t n = w->rstart[u + 1] - w->rstart[u];
    if (!n) r->users_without_recs++;
    w->gen++;
    for (size_t p = 0; p < n; p++) {
        uint32_t i = list[p].i;
        w->first[p] = w->listed[i] != w->gen;
        if (!w->first[p]) { w->hit[p] = 0; r->repeated++; }
        else { w->listed[i] = w->gen; w->hit[p] = w->relevant[i] == u + 1; }
        if (p < w->best[i]) w->best[i] = p;
        if (w->info) w->uinfo[p] = w->info[i];
        if (w->tail) w->utail[p] = w->tail[i];
    }
    for (size_t k = 0; k < w->nk; k++) {
        rs_topn_metrics m;
        size_t K = (size_t)o->ks[k];
        rs_topn_metrics_at(w->hit, n, nrel, K, o->ap_denom, &m);
        double nov = w->info ? rs_novelty_at(w->uinfo, n, K) : NAN;
        double tail = w->tail ? rs_longtail_at(w->utail, n, K) : NAN, ser = NAN, div, attr;
        if (o->beyond) {
            const uint32_t *count = w->count + k * w->ni;
            for (size_t p = 0; p < n && p < K; p++)
                w->ushare[p] = (double)count[list[p].i] / (double)r->users;
            ser = rs_serendipity_at(w->hit, w->ushare, n, K);
        }
        list_attributes(w, list, n, K, &div, &attr);
        add_sum(w, k, S_HIT, m.hitrate); add_sum(w, k, S_PREC, m.precision);
        add_sum(w, k, S_REC, m.recall); add_sum(w, k, S_AP, m.ap);
        add_sum(w, k, S_NDCG, m.ndcg); add_sum(w, k, S_RR, m.rr);
        add_sum(w, k, S_NOV, nov); add_sum(w, k, S_TAIL, tail); add_sum(w, k, S_SER, ser);
        add_sum(w, k, S_DIV, div); add_sum(w, k, S_ATTR, attr);
        if (n && n < K) w->short_lists[k]++;
        if (o->per_user) {
            rs_grow(&r->per, &w->cper, r->nper + 1, sizeof *r->per);
            r->per[r->nper++] = (rs_topn_user){ .user = u, .k = o->ks[k], .nrecs = n,
                                                .nrel = nrel, .m = m, .novelty = nov,
                                                .longtail = tail, .serendipity = ser,
                                                .diversity = div, .attr_coverage = attr };
        }
    }
}

/* The catalogue: training items when known, else every item seen;
 * recommended items always belong, so coverage stays <= 1. */
static unsigned char *catalogue(const topn_work *w, rs_topn_report *r)
{
    const rs_eval *ev = w->ev;
    unsigned char *cat = rs_xcalloc(w->ni + 1, 1);
    if (ev->has_train) {
        for (size_t j = 0; j < ev->ntrain_items; j++) cat[ev->train_item[j]] = 1;
        for (size_t j = 0; j < ev->nrec; j++) cat[ev->rec[j].i] = 1;
    } else {
        memset(cat, 1, w->ni);
    }
    for (size_t i = 0; i < w->ni; i++) r->catalogue += cat[i];
    r->catalogue_from_train = ev->has_train;
    return cat;
}

static double mean(const topn_work *w, size_t k, int s)
{
    uint64_t n = w->nsum[k * NSUM + s];
    return n ? rs_xsum_value(&w->sum[k * NSUM + s]) / (double)n : NAN;
}

static void fill_rows(const topn_work *w, const unsigned char *cat, rs_topn_report *r)
{
    r->nk = w->o->nk;
    r->rows = rs_xcalloc(w->nk ? w->nk : 1, sizeof *r->rows);
    for (size_t k = 0; k < w->nk; k++) {
        rs_topn_row *row = &r->rows[k];
        uint64_t covered = 0;
        for (size_t i = 0; i < w->ni; i++) covered += cat[i] && w->best[i] < (uint64_t)w->o->ks[k];
        row->k = w->o->ks[k];
        /* Accuracy means are over every evaluated user (no list: zeros). */
        row->hitrate = r->users ? rs_xsum_value(&w->sum[k * NSUM + S_HIT]) / (double)r->users : NAN;
        row->precision = r->users ? rs_xsum_value(&w->sum[k * NSUM + S_PREC]) / (double)r->users : NAN;
        row->recall = r->users ? rs_xsum_value(&w->sum[k * NSUM + S_REC]) / (double)r->users : NAN;
        row->map = r->users ? rs_xsum_value(&w->sum[k * NSUM + S_AP]) / (double)r->users : NAN;
        row->ndcg = r->users ? rs_xsum_value(&w->sum[k * NSUM + S_NDCG]) / (double)r->users : NAN;
        row->mrr = r->users ? rs_xsum_value(&w->sum[k * NSUM + S_RR]) / (double)r->users : NAN;
        row->serendipity = w->o->beyond && r->users
                           ? rs_xsum_value(&w->sum[k * NSUM + S_SER]) / (double)r->users
                                                    : NAN;
        row->coverage = rs_coverage(covered, r->catalogue);
        /* Properties of a list: over the users that have one. */
        row->novelty = mean(w, k, S_NOV);
        row->longtail = mean(w, k, S_TAIL);
        row->diversity = mean(w, k, S_DIV);
        row->attr_coverage = mean(w, k, S_ATTR);
        row->personalization = NAN;
        if (w->o->beyond) {
            double overlap = 0;
            const double *sw = w->sw + k * w->ni, *sw2 = w->sw2 + k * w->ni;
            for (size_t i = 0; i < w->ni; i++) overlap += (sw[i] * sw[i] - sw2[i]) / 2;
            row->personalization = rs_personalization(overlap, w->npers[k]);
        }
        row->short_lists = w->short_lists[k];
    }
}

/* The inputs' names for a message: "recs.tsv", or "a.tsv (and 2 more)". */
static void inputs_name(const rs_eval *ev, char *buf, size_t n)
{
    if (ev->nsrc == 1) snprintf(buf, n, "%.400s", ev->src[0]);
    else snprintf(buf, n, "%.400s (and %zu more)", ev->src[0], ev->nsrc - 1);
}

/* Lists that reach none of the evaluated users would report zeros that
 * say nothing about the model: most likely lists for another test set. */
static int check_overlap(const topn_work *w, const rs_topn_report *r, rs_err *e)
{
    const rs_eval *ev = w->ev;
    if (!ev->nrec || r->users_without_recs < r->users) return 0;
    uint64_t with_list = 0, shared = 0;
    for (size_t u = 0; u < w->nu; u++)
        if (w->rstart[u + 1] > w->rstart[u]) { with_list++; shared += w->in_test[u]; }
    char lists[512];
    inputs_name(ev, lists, sizeof lists);
    if (!shared)
        return rs_errf(e, RS_EDATA, "%s and %s share no users (%llu with lists, %llu in the "
                       "test set): were the lists made for this test set?", lists, ev->test_name,
                       (unsigned long long)with_list,
                       (unsigned long long)(r->users + r->users_without_relevant));
    return rs_errf(e, RS_EDATA, "none of the %llu users that %s and %s share has a relevant "
                   "item in the test set (rating >= %g)", (unsigned long long)shared, lists,
                   ev->test_name, w->o->threshold);
}

int rs_eval_topn(rs_eval *ev, const rs_topn_opts *o, rs_topn_report *r, rs_err *e)
{
    memset(r, 0, sizeof *r);
    if (!ev->tu) return rs_errf(e, RS_EUSAGE, "no test set read");
    if (o->threshold_set && !ev->tr)
        return rs_errf(e, RS_EDATA, "%s: no rating column, which --relevant needs "
                       "(user<TAB>item<TAB>rating)", ev->test_name);
    topn_work w;
    if (work_init(&w, ev, o, e) < 0) return -1;
    r->beyond = o->beyond;
    r->diversity = ev->Q ? 2 : ev->feat ? 1 : 0;
    r->attributes = ev->feat ? rs_idmap_size(ev->feat->attrs) : 0;
    /* First the evaluated users, whose lists (or the baseline's) give
     * serendipity's shares and personalization. */
    for (size_t row = 0; row < ev->nt; row++) {
        uint32_t u = ev->tu[row];
        if (w.in_test[u]) continue;     /* users in the order they first appear */
        w.in_test[u] = 1;
        w.nrel[u] = mark_relevant(&w, u, w.seen);
        if (!w.nrel[u]) { r->users_without_relevant++; continue; }
        r->users++;
        if (o->beyond) count_list(&w, w.g + w.rstart[u], w.rstart[u + 1] - w.rstart[u], 1);
    }
    if (o->beyond && ev->has_base) {
        /* The shares come from the baseline instead. */
        memset(w.count, 0, w.nk * w.ni * sizeof *w.count);
        for (size_t u = 0; u < w.nu; u++)
            if (w.nrel[u]) count_list(&w, w.bg + w.bstart[u], w.bstart[u + 1] - w.bstart[u], 0);
    }
    memset(w.in_test, 0, w.nu);
    for (size_t row = 0; row < ev->nt; row++) {
        uint32_t u = ev->tu[row];
        if (w.in_test[u]) continue;
        w.in_test[u] = 1;
        if (!w.nrel[u]) continue;
        mark_relevant(&w, u, w.relevant);
        score_user(&w, u, w.nrel[u], r);
    }
    for (size_t u = 0; u < w.nu; u++)
        if (w.rstart[u + 1] > w.rstart[u] && !w.in_test[u]) r->users_not_in_test++;
    unsigned char *cat = catalogue(&w, r);
    fill_rows(&w, cat, r);
    if (o->keep_sums) {
        /* Handed over to the report for eval/partial.h. */
        r->sums = w.sum; r->nsums = w.nsum; r->best = w.best; r->cat = cat;
        r->nitems = w.ni;
        w.sum = NULL; w.nsum = NULL; w.best = NULL; cat = NULL;
    }
    free(cat);
    int rc = 0;
    if (ev->shard)
        ;   /* a shard's sums, zero users or not, are its part of the whole */
    else if (!r->users)
        rc = rs_errf(e, RS_EDATA, "%s: none of the %llu test users has a relevant item "
                     "(rating >= %g)", ev->test_name,
                     (unsigned long long)r->users_without_relevant, o->threshold);
    else
        rc = check_overlap(&w, r, e);
    work_free(&w);
    if (rc) rs_topn_report_free(r);
    return rc;
}

const char *const rs_metric_names[RS_NMETRICS] = {
    "hitrate", "precision", "recall", "map", "ndcg", "mrr", "coverage", "novelty",
    "longtail", "serendipity", "personalization", "diversity", "attr_coverage" };

int rs_metric_find(const char *name)
{
    if (!strcmp(name, "ap")) return RS_M_MAP;
    if (!strcmp(name, "rr")) return RS_M_MRR;
    for (int m = 0; m < RS_NMETRICS; m++)
        if (!strcmp(name, rs_metric_names[m])) return m;
    return -1;
}

int rs_metric_per_user(int m) { return m != RS_M_COVERAGE && m != RS_M_PERSONALIZATION; }

int rs_topn_has(const rs_topn_report *r, int m)
{
    switch (m) {
    case RS_M_LONGTAIL: case RS_M_SERENDIPITY: case RS_M_PERSONALIZATION: return r->beyond;
    case RS_M_DIVERSITY: return r->diversity != 0;
    case RS_M_ATTR_COVERAGE: return r->attributes != 0;
    default: return m >= 0 && m < RS_NMETRICS;
    }
}

void rs_topn_row_values(const rs_topn_row *w, double v[RS_NMETRICS])
{
    v[RS_M_HITRATE] = w->hitrate; v[RS_M_PRECISION] = w->precision; v[RS_M_RECALL] = w->recall;
    v[RS_M_MAP] = w->map; v[RS_M_NDCG] = w->ndcg; v[RS_M_MRR] = w->mrr;
    v[RS_M_COVERAGE] = w->coverage; v[RS_M_NOVELTY] = w->novelty; v[RS_M_LONGTAIL] = w->longtail;
    v[RS_M_SERENDIPITY] = w->serendipity; v[RS_M_PERSONALIZATION] = w->personalization;
    v[RS_M_DIVERSITY] = w->diversity; v[RS_M_ATTR_COVERAGE] = w->attr_coverage;
}

void rs_topn_user_values(const rs_topn_user *p, double v[RS_NMETRICS])
{
    v[RS_M_HITRATE] = p->m.hitrate; v[RS_M_PRECISION] = p->m.precision;
    v[RS_M_RECALL] = p->m.recall; v[RS_M_MAP] = p->m.ap; v[RS_M_NDCG] = p->m.ndcg;
    v[RS_M_MRR] = p->m.rr; v[RS_M_COVERAGE] = NAN; v[RS_M_NOVELTY] = p->novelty;
    v[RS_M_LONGTAIL] = p->longtail; v[RS_M_SERENDIPITY] = p->serendipity;
    v[RS_M_PERSONALIZATION] = NAN; v[RS_M_DIVERSITY] = p->diversity;
    v[RS_M_ATTR_COVERAGE] = p->attr_coverage;
}

int rs_eval_rated(rs_eval *ev, rs_rated_report *r, rs_err *e)
{
    memset(r, 0, sizeof *r);
    if (!ev->tu) return rs_errf(e, RS_EUSAGE, "no test set read");
    if (!ev->tr)
        return rs_errf(e, RS_EDATA, "%s: no rating column, which --predictions needs "
                       "(user<TAB>item<TAB>rating)", ev->test_name);
    size_t nu = rs_idmap_size(ev->users), ni = rs_idmap_size(ev->items);
    size_t *porder, *pstart = group(ev->npred ? &ev->pred[0].u : NULL, ev->npred, sizeof *ev->pred, nu, &porder);
    size_t *torder, *tstart = group(ev->tu, ev->nt, sizeof *ev->tu, nu, &torder);
    uint32_t *pmark = rs_xcalloc(ni + 1, sizeof *pmark), *tmark = rs_xcalloc(ni + 1, sizeof *tmark);
    size_t *pat = rs_xmalloc((ni + 1) * sizeof *pat);     /* the prediction of item i */
    double *pred = rs_xmalloc((ev->nt + 1) * sizeof *pred), *truth = rs_xmalloc((ev->nt + 1) * sizeof *truth);
    double ndcg = 0;
    int rc = 0;
    for (size_t u = 0; u < nu && rc == 0; u++) {
        for (size_t j = pstart[u]; j < pstart[u + 1]; j++) {
            const struct pred *p = &ev->pred[porder[j]];
            if (pmark[p->i] == u + 1) {
                const struct pred *q = &ev->pred[pat[p->i]];
                char where[512];
                first_at(ev, p->src, q->src, q->line, where, sizeof where);
                rc = rs_errf(e, RS_EDATA, "%s: line %llu: a second prediction for user '%s' "
                             "item '%s' (first %s)", ev->src[p->src], (unsigned long long)p->line,
                             rs_idmap_str(ev->users, p->u), rs_idmap_str(ev->items, p->i), where);
                break;
            }
            pmark[p->i] = (uint32_t)u + 1;
            pat[p->i] = porder[j];
        }
        for (size_t j = tstart[u]; j < tstart[u + 1]; j++) {
            size_t t = torder[j];
            uint32_t i = ev->ti[t];
            tmark[i] = (uint32_t)u + 1;
            pred[j] = pmark[i] == u + 1 ? ev->pred[pat[i]].score : NAN;
            truth[j] = ev->tr[t];
            if (isnan(pred[j])) r->missing++;
        }
        for (size_t j = pstart[u]; j < pstart[u + 1]; j++)
            if (tmark[ev->pred[porder[j]].i] != u + 1) r->not_in_test++;
        if (tstart[u + 1] > tstart[u]) {
            double d = rs_ndcg_rated(pred + tstart[u], truth + tstart[u], tstart[u + 1] - tstart[u]);
            if (!isnan(d)) { ndcg += d; r->users++; }
        }
    }
    if (rc == 0 && ev->npred && r->missing == ev->nt)
        rc = rs_errf(e, RS_EDATA, "%s and %s have no (user, item) pair in common (%zu "
                     "predictions, %zu test pairs): were the predictions made for this test set?",
                     ev->src[0], ev->test_name, ev->npred, ev->nt);
    if (rc == 0) {
        r->pairs = ev->nt - r->missing;
        r->rmse = rs_rmse(pred, truth, ev->nt);
        r->mae = rs_mae(pred, truth, ev->nt);
        r->ndcg = r->users ? ndcg / (double)r->users : NAN;
    }
    free(pred); free(truth); free(pat); free(pmark); free(tmark);
    free(porder); free(pstart); free(torder); free(tstart);
    return rc;
}
