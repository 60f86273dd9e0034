#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/json.h"
#include "eval/report.h"

enum { DECIMALS = 6 };

static const char *num(char *buf, size_t n, double v)
{
    if (isnan(v)) snprintf(buf, n, "nan");
    else snprintf(buf, n, "%.*f", DECIMALS, v);
    return buf;
}

/* An aligned table: cells row-major, numbers right-aligned; with
 * left_first the first column (ids) is left-aligned. */
typedef struct table { char **cell; size_t ncols, n, cap; } table;

static void cell(table *t, const char *s)
{
    rs_grow(&t->cell, &t->cap, t->n + 1, sizeof *t->cell);
    t->cell[t->n++] = rs_xstrdup(s);
}

/* Characters, not bytes: a cell may hold UTF-8 (the table's ±). */
static size_t width(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void pad(FILE *f, size_t n)
{
    while (n--) putc(' ', f);
}

static void table_write(FILE *f, table *t, int left_first)
{
    size_t *w = rs_xcalloc(t->ncols, sizeof *w);
    for (size_t c = 0; c < t->n; c++) {
        size_t l = width(t->cell[c]);
        if (l > w[c % t->ncols]) w[c % t->ncols] = l;
    }
    for (size_t c = 0; c < t->n; c++) {
        size_t col = c % t->ncols, l = width(t->cell[c]);
        if (col) putc(' ', f), putc(' ', f);
        if (col == 0 && left_first) {
            fputs(t->cell[c], f);
            if (col + 1 < t->ncols) pad(f, w[col] - l);
        } else {
            pad(f, w[col] - l);
            fputs(t->cell[c], f);
        }
        if (col + 1 == t->ncols) putc('\n', f);
        free(t->cell[c]);
    }
    free(t->cell);
    free(w);
}

/* The same cells as a Markdown (GitHub) table: the first row is the
 * header; numbers right-aligned, with left_first the first column left. */
static void table_write_md(FILE *f, table *t, int left_first)
{
    for (size_t c = 0; c < t->n; c++) {
        size_t col = c % t->ncols;
        fputs(col ? " | " : "| ", f);
        for (const char *p = t->cell[c]; *p; p++) {
            if (*p == '|') putc('\\', f);
            putc(*p, f);
        }
        if (col + 1 == t->ncols) {
            fputs(" |\n", f);
            if (c + 1 == t->ncols) {
                for (size_t k = 0; k < t->ncols; k++) fputs(k == 0 && left_first ? "|:---" : "|---:", f);
                fputs("|\n", f);
            }
        }
        free(t->cell[c]);
    }
    free(t->cell);
}

static void table_out(FILE *f, table *t, int left_first, enum rs_report_format fmt)
{
    if (fmt == RS_REPORT_MARKDOWN) table_write_md(f, t, left_first);
    else table_write(f, t, left_first);
}

/* The metric columns of a report: the eight of every report, then those
 * its inputs asked for.  per_user: only figures a user has. */
static int metric_cols(const rs_topn_report *r, int per_user, int *cols)
{
    int n = 0;
    for (int m = 0; m < RS_NMETRICS; m++)
        if (rs_topn_has(r, m) && (!per_user || rs_metric_per_user(m))) cols[n++] = m;
    return n;
}

static void topn_json(FILE *f, const rs_topn_report *r)
{
    rs_json j;
    double v[RS_NMETRICS];
    int cols[RS_NMETRICS], nc = metric_cols(r, 0, cols);
    rs_json_init_file(&j, f, RS_JSON_SPACED);
    rs_json_object_begin(&j);
    rs_json_key(&j, "users"); rs_json_uint(&j, r->users);
    rs_json_key(&j, "users_without_recs"); rs_json_uint(&j, r->users_without_recs);
    rs_json_key(&j, "users_not_in_test"); rs_json_uint(&j, r->users_not_in_test);
    rs_json_key(&j, "users_without_relevant"); rs_json_uint(&j, r->users_without_relevant);
    rs_json_key(&j, "catalogue"); rs_json_uint(&j, r->catalogue);
    rs_json_key(&j, "catalogue_from");
    rs_json_string(&j, r->catalogue_from_train ? "train" : "lists and test");
    rs_json_key(&j, "repeated"); rs_json_uint(&j, r->repeated);
    if (r->attributes) { rs_json_key(&j, "attributes"); rs_json_uint(&j, r->attributes); }
    if (r->diversity) {
        rs_json_key(&j, "diversity_from");
        rs_json_string(&j, r->diversity == 2 ? "factors" : "attributes");
    }
    rs_json_key(&j, "cutoffs");
    rs_json_array_begin(&j);
    for (int k = 0; k < r->nk; k++) {
        rs_topn_row_values(&r->rows[k], v);
        rs_json_object_begin(&j);
        rs_json_key(&j, "k"); rs_json_int(&j, r->rows[k].k);
        for (int c = 0; c < nc; c++) {
            rs_json_key(&j, rs_metric_names[cols[c]]);
            rs_json_fixed(&j, v[cols[c]], DECIMALS);
        }
        rs_json_object_end(&j);
    }
    rs_json_array_end(&j);
    rs_json_object_end(&j);
    rs_json_newline(&j);
}

static void topn_tsv(FILE *f, const rs_topn_report *r)
{
    char b[64];
    double v[RS_NMETRICS];
    int cols[RS_NMETRICS], nc = metric_cols(r, 0, cols);
    fputs("k\tusers\t", f);
    for (int c = 0; c < nc; c++) fprintf(f, "%s\t", rs_metric_names[cols[c]]);
    fputs("users_without_recs\tusers_not_in_test\tusers_without_relevant\n", f);
    for (int k = 0; k < r->nk; k++) {
        rs_topn_row_values(&r->rows[k], v);
        fprintf(f, "%lld\t%llu", (long long)r->rows[k].k, (unsigned long long)r->users);
        for (int c = 0; c < nc; c++) fprintf(f, "\t%s", num(b, sizeof b, v[cols[c]]));
        fprintf(f, "\t%llu\t%llu\t%llu\n", (unsigned long long)r->users_without_recs,
                (unsigned long long)r->users_not_in_test,
                (unsigned long long)r->users_without_relevant);
    }
}

static void topn_table(FILE *f, const rs_topn_report *r, enum rs_report_format fmt)
{
    char b[64];
    double v[RS_NMETRICS];
    int cols[RS_NMETRICS], nc = metric_cols(r, 0, cols);
    table t = { .ncols = (size_t)nc + 2 };
    cell(&t, "k");
    cell(&t, "users");
    for (int c = 0; c < nc; c++) cell(&t, rs_metric_names[cols[c]]);
    for (int k = 0; k < r->nk; k++) {
        rs_topn_row_values(&r->rows[k], v);
        snprintf(b, sizeof b, "%lld", (long long)r->rows[k].k); cell(&t, b);
        snprintf(b, sizeof b, "%llu", (unsigned long long)r->users); cell(&t, b);
        for (int c = 0; c < nc; c++) cell(&t, num(b, sizeof b, v[cols[c]]));
    }
    table_out(f, &t, 0, fmt);
    if (fmt == RS_REPORT_MARKDOWN) putc('\n', f);
    fprintf(f, "users: %llu evaluated (%llu without recommendations, counted as zeros); "
            "ignored: %llu not in the test set, %llu with no relevant item; "
            "catalogue: %llu items%s\n", (unsigned long long)r->users,
            (unsigned long long)r->users_without_recs, (unsigned long long)r->users_not_in_test,
            (unsigned long long)r->users_without_relevant, (unsigned long long)r->catalogue,
            r->catalogue_from_train ? "" : " (those of the lists and the test set: no --train)");
}

void rs_topn_write(FILE *f, const rs_eval *ev, const rs_topn_report *r,
                   enum rs_report_format fmt)
{
    (void)ev;
    if (fmt == RS_REPORT_JSON) topn_json(f, r);
    else if (fmt == RS_REPORT_TSV) topn_tsv(f, r);
    else topn_table(f, r, fmt);
}

static const char *const user_cols[] = { "user", "k", "recs", "relevant" };
enum { USER_NCOLS = sizeof user_cols / sizeof *user_cols };

/* Per-user names of the means: ap for map, rr for mrr. */
static const char *user_name(int m)
{
    return m == RS_M_MAP ? "ap" : m == RS_M_MRR ? "rr" : rs_metric_names[m];
}

static void user_json(FILE *f, const char *id, size_t idlen, const rs_topn_user *p,
                      const int *cols, int nc)
{
    rs_json j;
    double v[RS_NMETRICS];
    rs_topn_user_values(p, v);
    rs_json_init_file(&j, f, RS_JSON_SPACED);
    rs_json_object_begin(&j);
    rs_json_key(&j, "user"); rs_json_string_n(&j, id, idlen);
    rs_json_key(&j, "k"); rs_json_int(&j, p->k);
    rs_json_key(&j, "recs"); rs_json_uint(&j, p->nrecs);
    rs_json_key(&j, "relevant"); rs_json_uint(&j, p->nrel);
    for (int c = 0; c < nc; c++) {
        rs_json_key(&j, user_name(cols[c]));
        rs_json_fixed(&j, v[cols[c]], DECIMALS);
    }
    rs_json_object_end(&j);
    rs_json_newline(&j);
}

static void user_tsv(FILE *f, const char *id, const rs_topn_user *p, const int *cols, int nc)
{
    char b[64];
    double v[RS_NMETRICS];
    rs_topn_user_values(p, v);
    fprintf(f, "%s\t%lld\t%llu\t%llu", id, (long long)p->k,
            (unsigned long long)p->nrecs, (unsigned long long)p->nrel);
    for (int c = 0; c < nc; c++) fprintf(f, "\t%s", num(b, sizeof b, v[cols[c]]));
    putc('\n', f);
}

static void user_cells(table *t, const char *id, const rs_topn_user *p, const int *cols, int nc)
{
    char b[64];
    double v[RS_NMETRICS];
    rs_topn_user_values(p, v);
    cell(t, id);
    snprintf(b, sizeof b, "%lld", (long long)p->k); cell(t, b);
    snprintf(b, sizeof b, "%llu", (unsigned long long)p->nrecs); cell(t, b);
    snprintf(b, sizeof b, "%llu", (unsigned long long)p->nrel); cell(t, b);
    for (int c = 0; c < nc; c++) cell(t, num(b, sizeof b, v[cols[c]]));
}

void rs_topn_write_per_user(FILE *f, const rs_eval *ev, const rs_topn_report *r,
                            enum rs_report_format fmt)
{
    int cols[RS_NMETRICS], nc = metric_cols(r, 1, cols);
    int is_table = fmt == RS_REPORT_TABLE || fmt == RS_REPORT_MARKDOWN;
    table t = { .ncols = USER_NCOLS + (size_t)nc };
    if (fmt == RS_REPORT_TSV) {
        for (int c = 0; c < USER_NCOLS; c++) fprintf(f, "%s\t", user_cols[c]);
        for (int c = 0; c < nc; c++) fprintf(f, "%s%c", user_name(cols[c]), c + 1 < nc ? '\t' : '\n');
    }
    if (is_table) {
        for (int c = 0; c < USER_NCOLS; c++) cell(&t, user_cols[c]);
        for (int c = 0; c < nc; c++) cell(&t, user_name(cols[c]));
    }
    for (size_t j = 0; j < r->nper; j++) {
        const rs_topn_user *p = &r->per[j];
        size_t idlen;
        const char *id = rs_eval_user_id(ev, p->user, &idlen);
        if (fmt == RS_REPORT_JSON) user_json(f, id, idlen, p, cols, nc);
        else if (fmt == RS_REPORT_TSV) user_tsv(f, id, p, cols, nc);
        else user_cells(&t, id, p, cols, nc);
    }
    if (is_table) table_out(f, &t, 1, fmt);
}

static void rated_json(FILE *f, const rs_rated_report *r)
{
    rs_json j;
    rs_json_init_file(&j, f, RS_JSON_SPACED);
    rs_json_object_begin(&j);
    rs_json_key(&j, "users"); rs_json_uint(&j, r->users);
    rs_json_key(&j, "pairs"); rs_json_uint(&j, r->pairs);
    rs_json_key(&j, "rmse"); rs_json_fixed(&j, r->rmse, DECIMALS);
    rs_json_key(&j, "mae"); rs_json_fixed(&j, r->mae, DECIMALS);
    rs_json_key(&j, "ndcg"); rs_json_fixed(&j, r->ndcg, DECIMALS);
    rs_json_key(&j, "missing"); rs_json_uint(&j, r->missing);
    rs_json_key(&j, "not_in_test"); rs_json_uint(&j, r->not_in_test);
    rs_json_object_end(&j);
    rs_json_newline(&j);
}

void rs_rated_write(FILE *f, const rs_rated_report *r, enum rs_report_format fmt)
{
    static const char *const cols[] = { "users", "pairs", "rmse", "mae", "ndcg", "missing", "not_in_test" };
    enum { N = sizeof cols / sizeof *cols };
    if (fmt == RS_REPORT_JSON) { rated_json(f, r); return; }
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
        table_out(f, &t, 0, fmt);
    }
}

/* Models and folds (compare.h).  TSV and JSON carry 6 decimals; the
 * tables for people 4, as mean±sd when there are folds. */
static const char *mean_sd_cell(char *b, size_t n, const rs_compare *c, double mean, double sd)
{
    if (isnan(mean)) snprintf(b, n, "nan");
    else if (c->nfolds > 1 && !isnan(sd)) snprintf(b, n, "%.4f\u00b1%.4f", mean, sd);
    else snprintf(b, n, "%.4f", mean);
    return b;
}

static const char *diff_cell(char *b, size_t n, const rs_compare *c, const rs_model_row *row)
{
    if (row->reference) snprintf(b, n, "%s", c->o.reference ? "(reference)" : "(best)");
    else if (isnan(row->diff)) snprintf(b, n, "nan");
    else if (isnan(row->lo)) snprintf(b, n, "%+.4f", row->diff);
    else snprintf(b, n, "%+.4f [%+.4f, %+.4f]%s", row->diff, row->lo, row->hi,
                  row->lo > 0 || row->hi < 0 ? " *" : "");
    return b;
}

static int compare_cols(const rs_compare *c, int *cols)
{
    int n = 0;
    for (int m = 0; m < RS_NMETRICS; m++)
        if (c->has[m]) cols[n++] = m;
    return n;
}

static void compare_table(FILE *f, const rs_compare *c, enum rs_report_format fmt)
{
    char b[128];
    int cols[RS_NMETRICS], nc = compare_cols(c, cols);
    table t = { .ncols = (size_t)nc + 3 + 1 };
    cell(&t, "model"); cell(&t, "k"); cell(&t, "users");
    for (int x = 0; x < nc; x++) cell(&t, rs_metric_names[cols[x]]);
    snprintf(b, sizeof b, "%s vs %s [%g%% CI]", rs_metric_names[c->o.metric],
             c->o.reference ? c->o.reference : "best", c->o.level * 100);
    cell(&t, b);
    for (int r = 0; r < c->nk * c->nmodels; r++) {
        const rs_model_row *row = &c->rows[r];
        cell(&t, c->names[row->model]);
        snprintf(b, sizeof b, "%lld", (long long)row->k); cell(&t, b);
        snprintf(b, sizeof b, "%llu", (unsigned long long)row->users); cell(&t, b);
        for (int x = 0; x < nc; x++)
            cell(&t, mean_sd_cell(b, sizeof b, c, row->mean[cols[x]], row->sd[cols[x]]));
        cell(&t, diff_cell(b, sizeof b, c, row));
    }
    table_out(f, &t, 1, fmt);
    if (fmt == RS_REPORT_MARKDOWN) putc('\n', f);
    fprintf(f, "%d model%s, %d fold%s", c->nmodels, c->nmodels == 1 ? "" : "s", c->nfolds,
            c->nfolds == 1 ? "" : "s");
    if (c->nfolds > 1) fputs(" (mean\u00b1sd over the folds)", f);
    if (c->o.resamples > 0)
        fprintf(f, "; %s difference to the %s per user, paired bootstrap %g%% interval "
                "(%d resamples, seed %llu; * = excludes 0)", rs_metric_names[c->o.metric],
                c->o.reference ? "reference" : "best model at each K", c->o.level * 100,
                c->o.resamples, (unsigned long long)c->o.seed);
    fputs("\n", f);
}

static void compare_tsv(FILE *f, const rs_compare *c)
{
    char b[64];
    int cols[RS_NMETRICS], nc = compare_cols(c, cols);
    fputs("model\tk\tfolds\tusers", f);
    for (int x = 0; x < nc; x++) {
        fprintf(f, "\t%s", rs_metric_names[cols[x]]);
        if (c->nfolds > 1) fprintf(f, "\t%s_sd", rs_metric_names[cols[x]]);
    }
    fputs("\tcompared\tvs\tdiff\tdiff_lo\tdiff_hi\n", f);
    for (int r = 0; r < c->nk * c->nmodels; r++) {
        const rs_model_row *row = &c->rows[r];
        const rs_model_row *ref = row;
        for (int m = 0; m < c->nmodels; m++)
            if (c->rows[r - row->model + m].reference) ref = &c->rows[r - row->model + m];
        fprintf(f, "%s\t%lld\t%d\t%llu", c->names[row->model], (long long)row->k, c->nfolds,
                (unsigned long long)row->users);
        for (int x = 0; x < nc; x++) {
            fprintf(f, "\t%s", num(b, sizeof b, row->mean[cols[x]]));
            if (c->nfolds > 1) fprintf(f, "\t%s", num(b, sizeof b, row->sd[cols[x]]));
        }
        fprintf(f, "\t%s\t%s", rs_metric_names[c->o.metric], c->names[ref->model]);
        fprintf(f, "\t%s", num(b, sizeof b, row->reference ? 0 : row->diff));
        fprintf(f, "\t%s", num(b, sizeof b, row->lo));
        fprintf(f, "\t%s\n", num(b, sizeof b, row->hi));
    }
}

static void compare_json(FILE *f, const rs_compare *c)
{
    rs_json j;
    int cols[RS_NMETRICS], nc = compare_cols(c, cols);
    rs_json_init_file(&j, f, RS_JSON_SPACED);
    rs_json_object_begin(&j);
    rs_json_key(&j, "folds"); rs_json_int(&j, c->nfolds);
    rs_json_key(&j, "compared"); rs_json_string(&j, rs_metric_names[c->o.metric]);
    rs_json_key(&j, "reference");
    if (c->o.reference) rs_json_string(&j, c->o.reference);
    else rs_json_null(&j);
    rs_json_key(&j, "resamples"); rs_json_int(&j, c->o.resamples);
    rs_json_key(&j, "seed"); rs_json_uint(&j, c->o.seed);
    rs_json_key(&j, "level"); rs_json_number(&j, c->o.level);
    rs_json_key(&j, "rows");
    rs_json_array_begin(&j);
    for (int r = 0; r < c->nk * c->nmodels; r++) {
        const rs_model_row *row = &c->rows[r];
        int ref = row->model;
        for (int m = 0; m < c->nmodels; m++)
            if (c->rows[r - row->model + m].reference) ref = m;
        rs_json_object_begin(&j);
        rs_json_key(&j, "model"); rs_json_string(&j, c->names[row->model]);
        rs_json_key(&j, "k"); rs_json_int(&j, row->k);
        rs_json_key(&j, "users"); rs_json_uint(&j, row->users);
        for (int x = 0; x < nc; x++) {
            rs_json_key(&j, rs_metric_names[cols[x]]);
            rs_json_object_begin(&j);
            rs_json_key(&j, "mean"); rs_json_fixed(&j, row->mean[cols[x]], DECIMALS);
            rs_json_key(&j, "sd"); rs_json_fixed(&j, row->sd[cols[x]], DECIMALS);
            rs_json_object_end(&j);
        }
        rs_json_key(&j, "vs"); rs_json_string(&j, c->names[ref]);
        rs_json_key(&j, "diff"); rs_json_fixed(&j, row->reference ? 0 : row->diff, DECIMALS);
        rs_json_key(&j, "diff_lo"); rs_json_fixed(&j, row->lo, DECIMALS);
        rs_json_key(&j, "diff_hi"); rs_json_fixed(&j, row->hi, DECIMALS);
        rs_json_object_end(&j);
    }
    rs_json_array_end(&j);
    rs_json_object_end(&j);
    rs_json_newline(&j);
}

void rs_compare_write(FILE *f, const rs_compare *c, enum rs_report_format fmt)
{
    if (fmt == RS_REPORT_JSON) compare_json(f, c);
    else if (fmt == RS_REPORT_TSV) compare_tsv(f, c);
    else compare_table(f, c, fmt);
}
