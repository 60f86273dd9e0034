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

static void topn_json(FILE *f, const rs_topn_report *r)
{
    rs_json j;
    double v[8];
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
    rs_json_key(&j, "cutoffs");
    rs_json_array_begin(&j);
    for (int k = 0; k < r->nk; k++) {
        topn_values(&r->rows[k], v);
        rs_json_object_begin(&j);
        rs_json_key(&j, "k"); rs_json_int(&j, r->rows[k].k);
        for (int c = 0; c < 8; c++) {
            rs_json_key(&j, topn_cols[c + 2]);
            rs_json_fixed(&j, v[c], DECIMALS);
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
    double v[8];
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
}

static void topn_table(FILE *f, const rs_topn_report *r)
{
    char b[64];
    double v[8];
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
    else topn_table(f, r);
}

static const char *const user_cols[] = {
    "user", "k", "recs", "relevant", "hitrate", "precision", "recall", "ap", "ndcg", "rr", "novelty" };
enum { USER_NCOLS = sizeof user_cols / sizeof *user_cols };

static void user_values(const rs_topn_user *p, double v[7])
{
    v[0] = p->m.hitrate; v[1] = p->m.precision; v[2] = p->m.recall; v[3] = p->m.ap;
    v[4] = p->m.ndcg; v[5] = p->m.rr; v[6] = p->novelty;
}

static void user_json(FILE *f, const char *id, size_t idlen, const rs_topn_user *p)
{
    rs_json j;
    double v[7];
    user_values(p, v);
    rs_json_init_file(&j, f, RS_JSON_SPACED);
    rs_json_object_begin(&j);
    rs_json_key(&j, "user"); rs_json_string_n(&j, id, idlen);
    rs_json_key(&j, "k"); rs_json_int(&j, p->k);
    rs_json_key(&j, "recs"); rs_json_uint(&j, p->nrecs);
    rs_json_key(&j, "relevant"); rs_json_uint(&j, p->nrel);
    for (int c = 0; c < 7; c++) {
        rs_json_key(&j, user_cols[c + 4]);
        rs_json_fixed(&j, v[c], DECIMALS);
    }
    rs_json_object_end(&j);
    rs_json_newline(&j);
}

static void user_tsv(FILE *f, const char *id, const rs_topn_user *p)
{
    char b[64];
    double v[7];
    user_values(p, v);
    fprintf(f, "%s\t%lld\t%llu\t%llu", id, (long long)p->k,
            (unsigned long long)p->nrecs, (unsigned long long)p->nrel);
    for (int c = 0; c < 7; c++) fprintf(f, "\t%s", num(b, sizeof b, v[c]));
    putc('\n', f);
}

static void user_cells(table *t, const char *id, const rs_topn_user *p)
{
    char b[64];
    double v[7];
    user_values(p, v);
    cell(t, id);
    snprintf(b, sizeof b, "%lld", (long long)p->k); cell(t, b);
    snprintf(b, sizeof b, "%llu", (unsigned long long)p->nrecs); cell(t, b);
    snprintf(b, sizeof b, "%llu", (unsigned long long)p->nrel); cell(t, b);
    for (int c = 0; c < 7; c++) cell(t, num(b, sizeof b, v[c]));
}

void rs_topn_write_per_user(FILE *f, const rs_eval *ev, const rs_topn_report *r,
                            enum rs_report_format fmt)
{
    table t = { .ncols = USER_NCOLS };
    if (fmt == RS_REPORT_TSV)
        for (int c = 0; c < USER_NCOLS; c++) fprintf(f, "%s%c", user_cols[c], c + 1 < USER_NCOLS ? '\t' : '\n');
    if (fmt == RS_REPORT_TABLE)
        for (int c = 0; c < USER_NCOLS; c++) cell(&t, user_cols[c]);
    for (size_t j = 0; j < r->nper; j++) {
        const rs_topn_user *p = &r->per[j];
        size_t idlen;
        const char *id = rs_eval_user_id(ev, p->user, &idlen);
        if (fmt == RS_REPORT_JSON) user_json(f, id, idlen, p);
        else if (fmt == RS_REPORT_TSV) user_tsv(f, id, p);
        else user_cells(&t, id, p);
    }
    if (fmt == RS_REPORT_TABLE) table_write(f, &t, 1);
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
        table_write(f, &t, 0);
    }
}
