#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/idmap.h"
#include "common/xsum.h"
#include "eval/partial.h"

static const char *const count_names[] = {
    "users", "users_without_recs", "users_not_in_test", "users_without_relevant", "repeated" };
enum { NCOUNTS = 5 };

static uint64_t *count_field(rs_topn_report *r, int c)
{
    uint64_t *f[NCOUNTS] = { &r->users, &r->users_without_recs, &r->users_not_in_test,
                             &r->users_without_relevant, &r->repeated };
    return f[c];
}

static const char *ap_name(enum rs_ap_denom d)
{
    return d == RS_AP_K ? "k" : d == RS_AP_RELEVANT ? "relevant" : "min";
}

static void options_line(char *buf, size_t n, const rs_topn_opts *o, const rs_topn_report *r)
{
    char rel[40] = "all";
    if (o->threshold_set) snprintf(rel, sizeof rel, "%.17g", o->threshold);
    snprintf(buf, n, "relevant=%s ap=%s train=%d diversity=%d attributes=%" PRIu64, rel,
             ap_name(o->ap_denom), r->catalogue_from_train, r->diversity, r->attributes);
}

void rs_partial_write(FILE *f, const rs_eval *ev, const rs_topn_opts *o,
                      const rs_topn_report *r)
{
    char opts[256];
    fputs("rs-eval-partial\t1\ncutoffs\t", f);
    for (int k = 0; k < o->nk; k++) fprintf(f, "%s%" PRId64, k ? "," : "", o->ks[k]);
    options_line(opts, sizeof opts, o, r);
    fprintf(f, "\noptions\t%s\n", opts);
    const uint64_t counts[NCOUNTS] = { r->users, r->users_without_recs, r->users_not_in_test,
                                       r->users_without_relevant, r->repeated };
    for (int c = 0; c < NCOUNTS; c++)
        fprintf(f, "count\t%s\t%" PRIu64 "\n", count_names[c], counts[c]);
    for (int k = 0; k < o->nk; k++) {
        for (int m = 0; m < RS_NMETRICS; m++) {
            size_t at = (size_t)k * RS_NMETRICS + (size_t)m;
            if (!rs_metric_per_user(m)) continue;
            char x[RS_XSUM_BUF];
            rs_xsum_fmt(x, &r->sums[at]);
            fprintf(f, "sum\t%" PRId64 "\t%s\t%" PRIu64 "\t%s\n", o->ks[k], rs_metric_names[m],
                    r->nsums[at], x);
        }
        fprintf(f, "short\t%" PRId64 "\t%" PRIu64 "\n", o->ks[k], r->rows[k].short_lists);
    }
    for (size_t i = 0; i < r->nitems; i++) {
        if (!r->cat[i]) continue;
        size_t len;
        const char *id = rs_eval_item_id(ev, (uint32_t)i, &len);
        fputs("item\t", f);
        fwrite(id, 1, len, f);
        if (r->best[i] == UINT64_MAX) fputs("\t-\n", f);
        else fprintf(f, "\t%" PRIu64 "\n", r->best[i]);
    }
}

struct rs_partial_merge {
    int nfiles;
    char *cutoffs, *options;
    int64_t ks[64];
    int nk;
    rs_topn_report r;           /* counts, catalogue_from_train, diversity, attributes */
    rs_xsum *sums;              /* nk x RS_NMETRICS */
    uint64_t *nsums, *short_lists;
    rs_idmap *items;
    uint64_t *best;
    size_t cbest;
};

rs_partial_merge *rs_partial_merge_new(void)
{
    rs_partial_merge *m = rs_xcalloc(1, sizeof *m);
    m->items = rs_idmap_new();
    return m;
}

void rs_partial_merge_free(rs_partial_merge *m)
{
    if (!m) return;
    free(m->cutoffs); free(m->options); free(m->sums); free(m->nsums); free(m->short_lists);
    free(m->best);
    rs_idmap_free(m->items);
    free(m);
}

static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') { *p = '\0'; f[n++] = p + 1; }
    return n;
}

static int parse_u64(const char *s, uint64_t *v)
{
    if (*s < '0' || *s > '9') return -1;
    char *end;
    unsigned long long x = strtoull(s, &end, 10);
    if (*end) return -1;
    *v = x;
    return 0;
}

static int cutoff_index(const rs_partial_merge *m, const char *s)
{
    uint64_t k;
    if (parse_u64(s, &k) < 0) return -1;
    for (int j = 0; j < m->nk; j++)
        if ((uint64_t)m->ks[j] == k) return j;
    return -1;
}

/* The first file's cutoffs and options are the merge's; later ones must agree. */
static int header(const rs_partial_merge *m, const char *val, char **slot)
{
    if (!*slot) {
        if (m->nfiles > 1) return -1;
        *slot = rs_xstrdup(val);
        return 0;
    }
    return strcmp(*slot, val) ? -1 : 0;
}

int rs_partial_merge_read(rs_partial_merge *m, rs_in *in, rs_err *e)
{
    char *line, *f[6];
    size_t len;
    int rc, seen_cut = 0, seen_opt = 0;
    const char *name = rs_in_name(in);
    m->nfiles++;
    while ((rc = rs_in_getline(in, &line, &len, e)) > 0) {
        uint64_t ln = rs_in_lineno(in);
        int n = split_tabs(line, f, 6);
        const char *why = NULL;
        if (ln == 1) {
            if (n != 2 || strcmp(f[0], "rs-eval-partial") || strcmp(f[1], "1"))
                return rs_errf(e, RS_EDATA, "%s: line 1: not an rs-eval --partial file "
                               "(it starts with 'rs-eval-partial<TAB>1')", name);
            continue;
        }
        if (!strcmp(f[0], "cutoffs") && n == 2) {
            if (header(m, f[1], &m->cutoffs) < 0)
                return rs_errf(e, RS_EDATA, "%s: line %llu: cutoffs %s, but the first partial "
                               "has %s", name, (unsigned long long)ln, f[1],
                               m->cutoffs ? m->cutoffs : "none");
            if (!m->sums) {
                char *s = m->cutoffs;
                while (*s && m->nk < 64) {
                    m->ks[m->nk++] = strtoll(s, &s, 10);
                    if (*s == ',') s++;
                }
                size_t nk = (size_t)m->nk;
                m->sums = rs_xcalloc(nk * RS_NMETRICS + 1, sizeof *m->sums);
                m->nsums = rs_xcalloc(nk * RS_NMETRICS + 1, sizeof *m->nsums);
                m->short_lists = rs_xcalloc(nk + 1, sizeof *m->short_lists);
            }
            seen_cut = 1;
        } else if (!strcmp(f[0], "options") && n == 2) {
            if (header(m, f[1], &m->options) < 0)
                return rs_errf(e, RS_EDATA, "%s: line %llu: options '%s', but the first partial "
                               "has '%s' (every shard must be evaluated alike)", name,
                               (unsigned long long)ln, f[1], m->options ? m->options : "none");
            seen_opt = 1;
        } else if (!seen_cut || !seen_opt) {
            why = "cutoffs and options lines first";
        } else if (!strcmp(f[0], "count") && n == 3) {
            int c = 0;
            uint64_t v;
            while (c < NCOUNTS && strcmp(count_names[c], f[1])) c++;
            if (c == NCOUNTS || parse_u64(f[2], &v) < 0) why = "a count name and a number";
            else *count_field(&m->r, c) += v;
        } else if (!strcmp(f[0], "sum") && n == 5) {
            int k = cutoff_index(m, f[1]), mt = rs_metric_find(f[2]);
            uint64_t cnt;
            rs_xsum x;
            if (k < 0 || mt < 0 || !rs_metric_per_user(mt) || parse_u64(f[3], &cnt) < 0
                || rs_xsum_parse(f[4], &x) < 0) {
                why = "sum K METRIC N HI:LO, K one of the cutoffs";
            } else {
                size_t at = (size_t)k * RS_NMETRICS + (size_t)mt;
                rs_xsum_merge(&m->sums[at], &x);
                m->nsums[at] += cnt;
            }
        } else if (!strcmp(f[0], "short") && n == 3) {
            int k = cutoff_index(m, f[1]);
            uint64_t v;
            if (k < 0 || parse_u64(f[2], &v) < 0) why = "short K N";
            else m->short_lists[k] += v;
        } else if (!strcmp(f[0], "item") && n == 3) {
            uint64_t b = UINT64_MAX;
            if (strcmp(f[2], "-") && parse_u64(f[2], &b) < 0) {
                why = "item ID BEST, BEST a number or -";
            } else {
                uint32_t before = rs_idmap_size(m->items);
                uint32_t i = rs_idmap_intern(m->items, f[1], strlen(f[1]));
                if (i >= before) {
                    rs_grow(&m->best, &m->cbest, (size_t)i + 1, sizeof *m->best);
                    m->best[i] = UINT64_MAX;
                }
                if (b < m->best[i]) m->best[i] = b;
            }
        } else {
            why = "a count, sum, short or item record";
        }
        if (why)
            return rs_errf(e, RS_EDATA, "%s: line %llu: not a partial record (want %s)", name,
                           (unsigned long long)ln, why);
    }
    if (rc < 0) return -1;
    if (!seen_cut || !seen_opt)
        return rs_errf(e, RS_EDATA, "%s: not an rs-eval --partial file (no cutoffs and options "
                       "lines)", name);
    return 0;
}

static int option_int(const char *options, const char *key)
{
    const char *p = strstr(options, key);
    return p ? atoi(p + strlen(key)) : 0;
}

int rs_partial_merge_report(rs_partial_merge *m, rs_topn_report *r, rs_err *e)
{
    if (!m->nfiles || !m->sums) return rs_errf(e, RS_EUSAGE, "no partial read");
    *r = m->r;
    if (!r->users)
        return rs_errf(e, RS_EDATA, "no evaluated user in the %d partials", m->nfiles);
    r->catalogue_from_train = option_int(m->options, " train=");
    r->diversity = option_int(m->options, " diversity=");
    const char *a = strstr(m->options, " attributes=");
    r->attributes = a ? strtoull(a + 12, NULL, 10) : 0;
    uint32_t ni = rs_idmap_size(m->items);
    r->catalogue = ni;
    r->nk = m->nk;
    r->rows = rs_xcalloc((size_t)m->nk + 1, sizeof *r->rows);
    /* As eval.c's fill_rows, from the same exact sums. */
    double users = (double)r->users;
    for (int k = 0; k < m->nk; k++) {
        rs_topn_row *row = &r->rows[k];
        const rs_xsum *s = m->sums + (size_t)k * RS_NMETRICS;
        const uint64_t *n = m->nsums + (size_t)k * RS_NMETRICS;
        uint64_t covered = 0;
        for (uint32_t i = 0; i < ni; i++) covered += m->best[i] < (uint64_t)m->ks[k];
        row->k = m->ks[k];
        row->hitrate = rs_xsum_value(&s[RS_M_HITRATE]) / users;
        row->precision = rs_xsum_value(&s[RS_M_PRECISION]) / users;
        row->recall = rs_xsum_value(&s[RS_M_RECALL]) / users;
        row->map = rs_xsum_value(&s[RS_M_MAP]) / users;
        row->ndcg = rs_xsum_value(&s[RS_M_NDCG]) / users;
        row->mrr = rs_xsum_value(&s[RS_M_MRR]) / users;
        row->serendipity = NAN;
        row->coverage = rs_coverage(covered, r->catalogue);
        int means[] = { RS_M_NOVELTY, RS_M_LONGTAIL, RS_M_DIVERSITY, RS_M_ATTR_COVERAGE };
        double *dst[] = { &row->novelty, &row->longtail, &row->diversity, &row->attr_coverage };
        for (int j = 0; j < 4; j++)
            *dst[j] = n[means[j]] ? rs_xsum_value(&s[means[j]]) / (double)n[means[j]] : NAN;
        row->personalization = NAN;
        row->short_lists = m->short_lists[k];
    }
    return 0;
}
