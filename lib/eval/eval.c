#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "eval/eval.h"
#include "common/idmap.h"
#include "common/num.h"
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
    free(ev->rec); free(ev->pred);
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


int rs_eval_read_recs(rs_eval *ev, rs_in *in, rs_err *e)
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
        rs_grow(&ev->rec, &ev->crec, ev->nrec + 1, sizeof *ev->rec);
        ev->rec[ev->nrec++] = (struct rec){
            .rank = rank,
            .u = rs_idmap_intern(ev->users, f[0], strlen(f[0])),
            .i = rs_idmap_intern(ev->items, f[2], strlen(f[2])),
            .src = s, .line = ln };
    }
    return rc < 0 ? -1 : 0;
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

/* Dense ids of one file's own id map, in the shared map. */
static uint32_t *translate(rs_idmap *to, const rs_idmap *from)
{
    uint32_t n = rs_idmap_size(from);
    uint32_t *t = rs_xmalloc((size_t)n * sizeof *t);
    for (uint32_t k = 0; k < n; k++)
        t[k] = rs_idmap_intern(to, rs_idmap_str(from, k), rs_idmap_len(from, k));
    return t;
}

int rs_eval_read_test(rs_eval *ev, rs_in *in, rs_err *e)
{
    rs_ratings rt;
    rs_ratings_init(&rt);
    if (rs_ratings_read_tsv(in, &rt, 0, e) < 0) { rs_ratings_free(&rt); return -1; }
    uint32_t *tu = translate(ev->users, rt.users), *ti = translate(ev->items, rt.items);
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
    uint32_t *ti = translate(ev->items, rt.items);
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
    memset(r, 0, sizeof *r);
}

/* Each user's list: recs sorted by (user, rank); list of u is
 * out[start[u] .. start[u+1]).  A rank given twice is an error. */
static int group_recs(rs_eval *ev, size_t nusers, struct rec **out, size_t **startp, rs_err *e)
{
    size_t *order, *start = group(ev->nrec ? &ev->rec[0].u : NULL, ev->nrec, sizeof *ev->rec, nusers, &order);
    struct rec *g = rs_xmalloc((ev->nrec ? ev->nrec : 1) * sizeof *g);
    for (size_t j = 0; j < ev->nrec; j++) g[j] = ev->rec[order[j]];
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

int rs_eval_topn(rs_eval *ev, const rs_topn_opts *o, rs_topn_report *r, rs_err *e)
{
    memset(r, 0, sizeof *r);
    if (!ev->tu) return rs_errf(e, RS_EUSAGE, "no test set read");
    if (o->threshold_set && !ev->tr)
        return rs_errf(e, RS_EDATA, "%s: no rating column, which --relevant needs "
                       "(user<TAB>item<TAB>rating)", ev->test_name);
    size_t nu = rs_idmap_size(ev->users), ni = rs_idmap_size(ev->items), nk = (size_t)o->nk;
    struct rec *g;
    size_t *rstart;
    if (group_recs(ev, nu, &g, &rstart, e) < 0) return -1;
    size_t *torder, *tstart = group(ev->tu, ev->nt, sizeof *ev->tu, nu, &torder);

    /* Stamps (user + 1) mark the current user's relevant and listed items
     * without clearing arrays the size of the catalogue for every user. */
    uint32_t *relevant = rs_xcalloc(ni + 1, sizeof *relevant);
    uint32_t *listed = rs_xcalloc(ni + 1, sizeof *listed);
    uint64_t *best = rs_xmalloc((ni + 1) * sizeof *best);     /* best position over all lists */
    for (size_t i = 0; i < ni; i++) best[i] = UINT64_MAX;
    double *info = NULL;
    if (ev->has_train) {
        uint64_t *count = rs_xcalloc(ni + 1, sizeof *count);
        for (size_t j = 0; j < ev->ntrain_items; j++) count[ev->train_item[j]] = ev->train_count[j];
        info = rs_xmalloc((ni + 1) * sizeof *info);
        for (size_t i = 0; i < ni; i++) info[i] = rs_self_information(count[i], ev->train_users);
        free(count);
    }
    size_t maxlen = 1;
    for (size_t u = 0; u < nu; u++)
        if (rstart[u + 1] - rstart[u] > maxlen) maxlen = rstart[u + 1] - rstart[u];
    unsigned char *hit = rs_xmalloc(maxlen);
    double *uinfo = rs_xmalloc(maxlen * sizeof *uinfo);
    double *sum = rs_xcalloc(nk * 7, sizeof *sum);      /* 6 metrics + novelty per k */
    uint64_t nnovel = 0;                                /* users in the novelty mean */
    unsigned char *in_test = rs_xcalloc(nu + 1, 1);
    size_t cper = 0;

    for (size_t row = 0; row < ev->nt; row++) {
        uint32_t u = ev->tu[row];
        if (in_test[u]) continue;       /* users in the order they first appear */
        in_test[u] = 1;
        uint64_t nrel = 0;
        for (size_t j = tstart[u]; j < tstart[u + 1]; j++) {
            size_t t = torder[j];
            uint32_t i = ev->ti[t];
            if (o->threshold_set && !(ev->tr[t] >= o->threshold)) continue;
            if (relevant[i] != u + 1) { relevant[i] = u + 1; nrel++; }
        }
        if (!nrel) { r->users_without_relevant++; continue; }
        r->users++;
        const struct rec *list = g + rstart[u];
        size_t n = rstart[u + 1] - rstart[u];
        if (!n) r->users_without_recs++;
        for (size_t p = 0; p < n; p++) {
            uint32_t i = list[p].i;
            if (listed[i] == u + 1) { hit[p] = 0; r->repeated++; }
            else { listed[i] = u + 1; hit[p] = relevant[i] == u + 1; }
            if (p < best[i]) best[i] = p;
            if (info) uinfo[p] = info[i];
        }
        if (info && n) nnovel++;
        for (size_t k = 0; k < nk; k++) {
            rs_topn_metrics m;
            size_t K = (size_t)o->ks[k];
            rs_topn_metrics_at(hit, n, nrel, K, o->ap_denom, &m);
            double nov = info ? rs_novelty_at(uinfo, n, K) : NAN;
            double *s = sum + k * 7;
            s[0] += m.hitrate; s[1] += m.precision; s[2] += m.recall;
            s[3] += m.ap; s[4] += m.ndcg; s[5] += m.rr;
            if (!isnan(nov)) s[6] += nov;
            if (o->per_user) {
                rs_grow(&r->per, &cper, r->nper + 1, sizeof *r->per);
                r->per[r->nper++] = (rs_topn_user){ .user = u, .k = o->ks[k], .nrecs = n,
                                                    .nrel = nrel, .m = m, .novelty = nov };
            }
        }
    }
    for (size_t u = 0; u < nu; u++)
        if (rstart[u + 1] > rstart[u] && !in_test[u]) r->users_not_in_test++;

    /* The catalogue: training items when known, else every item seen;
     * recommended items always belong, so coverage stays <= 1. */
    unsigned char *cat = rs_xcalloc(ni + 1, 1);
    if (ev->has_train) {
        for (size_t j = 0; j < ev->ntrain_items; j++) cat[ev->train_item[j]] = 1;
        for (size_t j = 0; j < ev->nrec; j++) cat[ev->rec[j].i] = 1;
    } else {
        memset(cat, 1, ni);
    }
    for (size_t i = 0; i < ni; i++) r->catalogue += cat[i];

    r->nk = o->nk;
    r->rows = rs_xcalloc(nk ? nk : 1, sizeof *r->rows);
    double users = (double)r->users;
    for (size_t k = 0; k < nk; k++) {
        const double *s = sum + k * 7;
        rs_topn_row *w = &r->rows[k];
        uint64_t covered = 0;
        for (size_t i = 0; i < ni; i++) covered += cat[i] && best[i] < (uint64_t)o->ks[k];
        w->k = o->ks[k];
        w->hitrate = r->users ? s[0] / users : NAN;
        w->precision = r->users ? s[1] / users : NAN;
        w->recall = r->users ? s[2] / users : NAN;
        w->map = r->users ? s[3] / users : NAN;
        w->ndcg = r->users ? s[4] / users : NAN;
        w->mrr = r->users ? s[5] / users : NAN;
        w->coverage = rs_coverage(covered, r->catalogue);
        w->novelty = nnovel ? s[6] / (double)nnovel : NAN;
    }
    free(cat); free(in_test); free(sum); free(uinfo); free(hit); free(info); free(best);
    free(listed); free(relevant); free(torder); free(tstart); free(rstart); free(g);
    if (!r->users) {
        uint64_t skipped = r->users_without_relevant;
        rs_topn_report_free(r);
        return rs_errf(e, RS_EDATA, "%s: none of the %llu test users has a relevant item "
                       "(rating >= %g)", ev->test_name, (unsigned long long)skipped, o->threshold);
    }
    return 0;
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

/* ---- writing ---- */

static const char *num(char *buf, size_t n, double v)
{
    if (isnan(v)) snprintf(buf, n, "nan");
    else snprintf(buf, n, "%.6f", v);
    return buf;
}

static void json_num(FILE *f, double v)
{
    if (isnan(v) || isinf(v)) fputs("null", f);
    else fprintf(f, "%.6f", v);
}

static void json_str(FILE *f, const char *s, size_t len)
{
    putc('"', f);
    for (size_t k = 0; k < len; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c == '"' || c == '\\') { putc('\\', f); putc(c, f); }
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else putc(c, f);
    }
    putc('"', f);
}

/* An aligned table: cells row-major, numbers right-aligned; with
 * left_first the first column (ids) is left-aligned. */
typedef struct table { char **cell; size_t ncols, n, cap; } table;

static void cell(table *t, const char *s)
{
    rs_grow(&t->cell, &t->cap, t->n + 1, sizeof *t->cell);
    t->cell[t->n++] = rs_xstrdup(s);
}

static void table_write(FILE *f, table *t, int left_first)
{
    size_t *w = rs_xcalloc(t->ncols, sizeof *w);
    for (size_t c = 0; c < t->n; c++) {
        size_t l = strlen(t->cell[c]);
        if (l > w[c % t->ncols]) w[c % t->ncols] = l;
    }
    for (size_t c = 0; c < t->n; c++) {
        size_t col = c % t->ncols;
        int width = (int)w[col];
        if (col) putc(' ', f), putc(' ', f);
        if (col == 0 && left_first)
            fprintf(f, "%-*s", col + 1 == t->ncols ? 0 : width, t->cell[c]);
        else
            fprintf(f, "%*s", width, t->cell[c]);
        if (col + 1 == t->ncols) putc('\n', f);
        free(t->cell[c]);
    }
    free(t->cell);
    free(w);
}

static const char *const topn_cols[] = {
    "k", "users", "hitrate", "precision", "recall", "map", "ndcg", "mrr", "coverage", "novelty" };
enum { TOPN_NCOLS = sizeof topn_cols / sizeof *topn_cols };

static void topn_values(const rs_topn_row *w, double v[8])
{
    v[0] = w->hitrate; v[1] = w->precision; v[2] = w->recall; v[3] = w->map;
    v[4] = w->ndcg; v[5] = w->mrr; v[6] = w->coverage; v[7] = w->novelty;
}

void rs_topn_write(FILE *f, const rs_eval *ev, const rs_topn_report *r,
                   enum rs_report_format fmt)
{
    char b[64];
    double v[8];
    (void)ev;
    if (fmt == RS_REPORT_JSON) {
        fprintf(f, "{\"users\": %llu, \"users_without_recs\": %llu, \"users_not_in_test\": %llu, "
                "\"users_without_relevant\": %llu, \"catalogue\": %llu, \"repeated\": %llu, "
                "\"cutoffs\": [", (unsigned long long)r->users,
                (unsigned long long)r->users_without_recs, (unsigned long long)r->users_not_in_test,
                (unsigned long long)r->users_without_relevant, (unsigned long long)r->catalogue,
                (unsigned long long)r->repeated);
        for (int k = 0; k < r->nk; k++) {
            topn_values(&r->rows[k], v);
            fprintf(f, "%s{\"k\": %lld", k ? ", " : "", (long long)r->rows[k].k);
            for (int c = 0; c < 8; c++) {
                fprintf(f, ", \"%s\": ", topn_cols[c + 2]);
                json_num(f, v[c]);
            }
            putc('}', f);
        }
        fputs("]}\n", f);
        return;
    }
    if (fmt == RS_REPORT_TSV) {
        for (int c = 0; c < TOPN_NCOLS; c++) fprintf(f, "%s\t", topn_cols[c]);
        fputs("users_without_recs\tusers_not_in_test\tusers_without_relevant\n", f);
        for (int k = 0; k < r->nk; k++) {
            topn_values(&r->rows[k], v);
            fprintf(f, "%lld\t%llu", (long long)r->rows[k].k, (unsigned long long)r->users);
            for (int c = 0; c < 8; c++) fprintf(f, "\t%s", num(b, sizeof b, v[c]));
            fprintf(f, "\t%llu\t%llu\t%llu\n", (unsigned long long)r->users_without_recs,
                    (unsigned long long)r->users_not_in_test,
                    (unsigned long long)r->users_without_relevant);
        }
        return;
    }
    table t = { .ncols = TOPN_NCOLS };
    for (int c = 0; c < TOPN_NCOLS; c++) cell(&t, topn_cols[c]);
    for (int k = 0; k < r->nk; k++) {
        topn_values(&r->rows[k], v);
        snprintf(b, sizeof b, "%lld", (long long)r->rows[k].k); cell(&t, b);
        snprintf(b, sizeof b, "%llu", (unsigned long long)r->users); cell(&t, b);
        for (int c = 0; c < 8; c++) cell(&t, num(b, sizeof b, v[c]));
    }
    table_write(f, &t, 0);
    fprintf(f, "users: %llu evaluated (%llu without recommendations, counted as zeros); "
            "ignored: %llu not in the test set, %llu with no relevant item; "
            "catalogue: %llu items\n", (unsigned long long)r->users,
            (unsigned long long)r->users_without_recs, (unsigned long long)r->users_not_in_test,
            (unsigned long long)r->users_without_relevant, (unsigned long long)r->catalogue);
}

static const char *const user_cols[] = {
    "user", "k", "recs", "relevant", "hitrate", "precision", "recall", "ap", "ndcg", "rr", "novelty" };
enum { USER_NCOLS = sizeof user_cols / sizeof *user_cols };

static void user_values(const rs_topn_user *p, double v[7])
{
    v[0] = p->m.hitrate; v[1] = p->m.precision; v[2] = p->m.recall; v[3] = p->m.ap;
    v[4] = p->m.ndcg; v[5] = p->m.rr; v[6] = p->novelty;
}

void rs_topn_write_per_user(FILE *f, const rs_eval *ev, const rs_topn_report *r,
                            enum rs_report_format fmt)
{
    char b[64];
    double v[7];
    table t = { .ncols = USER_NCOLS };
    if (fmt == RS_REPORT_TSV)
        for (int c = 0; c < USER_NCOLS; c++) fprintf(f, "%s%c", user_cols[c], c + 1 < USER_NCOLS ? '\t' : '\n');
    if (fmt == RS_REPORT_TABLE)
        for (int c = 0; c < USER_NCOLS; c++) cell(&t, user_cols[c]);
    for (size_t j = 0; j < r->nper; j++) {
        const rs_topn_user *p = &r->per[j];
        const char *id = rs_idmap_str(ev->users, p->user);
        user_values(p, v);
        if (fmt == RS_REPORT_JSON) {
            fputs("{\"user\": ", f);
            json_str(f, id, rs_idmap_len(ev->users, p->user));
            fprintf(f, ", \"k\": %lld, \"recs\": %llu, \"relevant\": %llu", (long long)p->k,
                    (unsigned long long)p->nrecs, (unsigned long long)p->nrel);
            for (int c = 0; c < 7; c++) {
                fprintf(f, ", \"%s\": ", user_cols[c + 4]);
                json_num(f, v[c]);
            }
            fputs("}\n", f);
        } else if (fmt == RS_REPORT_TSV) {
            fprintf(f, "%s\t%lld\t%llu\t%llu", id, (long long)p->k,
                    (unsigned long long)p->nrecs, (unsigned long long)p->nrel);
            for (int c = 0; c < 7; c++) fprintf(f, "\t%s", num(b, sizeof b, v[c]));
            putc('\n', f);
        } else {
            cell(&t, id);
            snprintf(b, sizeof b, "%lld", (long long)p->k); cell(&t, b);
            snprintf(b, sizeof b, "%llu", (unsigned long long)p->nrecs); cell(&t, b);
            snprintf(b, sizeof b, "%llu", (unsigned long long)p->nrel); cell(&t, b);
            for (int c = 0; c < 7; c++) cell(&t, num(b, sizeof b, v[c]));
        }
    }
    if (fmt == RS_REPORT_TABLE) table_write(f, &t, 1);
}

void rs_rated_write(FILE *f, const rs_rated_report *r, enum rs_report_format fmt)
{
    static const char *const cols[] = { "users", "pairs", "rmse", "mae", "ndcg", "missing", "not_in_test" };
    enum { N = sizeof cols / sizeof *cols };
    if (fmt == RS_REPORT_JSON) {
        fprintf(f, "{\"users\": %llu, \"pairs\": %llu, \"rmse\": ",
                (unsigned long long)r->users, (unsigned long long)r->pairs);
        json_num(f, r->rmse);
        fputs(", \"mae\": ", f);
        json_num(f, r->mae);
        fputs(", \"ndcg\": ", f);
        json_num(f, r->ndcg);
        fprintf(f, ", \"missing\": %llu, \"not_in_test\": %llu}\n",
                (unsigned long long)r->missing, (unsigned long long)r->not_in_test);
        return;
    }
    char c[N][64];
    snprintf(c[0], 64, "%llu", (unsigned long long)r->users);
    snprintf(c[1], 64, "%llu", (unsigned long long)r->pairs);
    num(c[2], 64, r->rmse);
    num(c[3], 64, r->mae);
    num(c[4], 64, r->ndcg);
    snprintf(c[5], 64, "%llu", (unsigned long long)r->missing);
    snprintf(c[6], 64, "%llu", (unsigned long long)r->not_in_test);
    if (fmt == RS_REPORT_TSV) {
        for (int k = 0; k < N; k++) fprintf(f, "%s%c", cols[k], k + 1 < N ? '\t' : '\n');
        for (int k = 0; k < N; k++) fprintf(f, "%s%c", c[k], k + 1 < N ? '\t' : '\n');
    } else {
        table t = { .ncols = N };
        for (int k = 0; k < N; k++) cell(&t, cols[k]);
        for (int k = 0; k < N; k++) cell(&t, c[k]);
        table_write(f, &t, 0);
    }
}
