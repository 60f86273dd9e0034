#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/rng.h"
#include "eval/compare.h"

/* Mean and sample standard deviation of the non-NAN x[0..n). */
static void mean_sd(const double *x, int n, double *mean, double *sd)
{
    double s = 0, ss = 0;
    int m = 0;
    for (int j = 0; j < n; j++)
        if (!isnan(x[j])) { s += x[j]; m++; }
    *mean = m ? s / m : NAN;
    for (int j = 0; j < n; j++)
        if (!isnan(x[j])) ss += (x[j] - *mean) * (x[j] - *mean);
    *sd = m > 1 ? sqrt(ss / (m - 1)) : NAN;
}

/* Model m's value of the compared metric for each evaluated user of fold f
 * at cutoff index k, in the test file's user order. */
static void user_values(const rs_topn_report *r, int k, int metric, double *out)
{
    double v[RS_NMETRICS];
    for (size_t j = 0, n = 0; j < r->nper; j++)
        if (j % (size_t)r->nk == (size_t)k) {
            rs_topn_user_values(&r->per[j], v);
            out[n++] = v[metric];
        }
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Differences d[f][0..n[f]) per fold (NAN pairs dropped): the statistic is
 * the mean over folds of each fold's mean difference; the interval is the
 * percentile interval of the same statistic over resamples that draw each
 * fold's users with replacement (stratified by fold). */
static void bootstrap(double *const *d, const size_t *n, int nfolds, const rs_compare_opts *o,
                      uint64_t stream, double *diff, double *lo, double *hi)
{
    double *fm = rs_xmalloc((size_t)nfolds * sizeof *fm), sd;
    for (int f = 0; f < nfolds; f++) {
        double s = 0;
        for (size_t j = 0; j < n[f]; j++) s += d[f][j];
        fm[f] = n[f] ? s / (double)n[f] : NAN;
    }
    mean_sd(fm, nfolds, diff, &sd);
    *lo = *hi = NAN;
    if (o->resamples > 0 && !isnan(*diff)) {
        rs_rng rng;
        rs_rng_seed2(&rng, o->seed, stream);
        double *stat = rs_xmalloc((size_t)o->resamples * sizeof *stat);
        for (int b = 0; b < o->resamples; b++) {
            for (int f = 0; f < nfolds; f++) {
                double s = 0;
                for (size_t j = 0; j < n[f]; j++) s += d[f][rs_rng_below(&rng, n[f])];
                fm[f] = n[f] ? s / (double)n[f] : NAN;
            }
            mean_sd(fm, nfolds, &stat[b], &sd);
        }
        qsort(stat, (size_t)o->resamples, sizeof *stat, by_double);
        double a = (1 - o->level) / 2;
        size_t B = (size_t)o->resamples;
        size_t l = (size_t)floor(a * (double)B), h = (size_t)ceil((1 - a) * (double)B);
        if (h > 0) h--;
        if (h >= B) h = B - 1;
        *lo = stat[l < B ? l : B - 1];
        *hi = stat[h];
        free(stat);
    }
    free(fm);
}

static void compare_cutoff(const rs_topn_report *reps, rs_compare *c, int k, int ref)
{
    int F = c->nfolds, metric = c->o.metric;
    size_t maxn = 1;
    for (int f = 0; f < F; f++)
        if (reps[f].users > maxn) maxn = reps[f].users;
    double *a = rs_xmalloc(maxn * sizeof *a), *b = rs_xmalloc(maxn * sizeof *b);
    double **d = rs_xmalloc((size_t)F * sizeof *d);
    size_t *n = rs_xcalloc((size_t)F, sizeof *n);
    for (int f = 0; f < F; f++) d[f] = rs_xmalloc(maxn * sizeof **d);
    for (int m = 0; m < c->nmodels; m++) {
        rs_model_row *row = &c->rows[k * c->nmodels + m];
        row->reference = m == ref;
        row->diff = row->lo = row->hi = NAN;
        if (m == ref) continue;
        for (int f = 0; f < F; f++) {
            user_values(&reps[ref * F + f], k, metric, a);
            user_values(&reps[m * F + f], k, metric, b);
            n[f] = 0;
            for (size_t j = 0; j < reps[f].users; j++)
                if (!isnan(a[j]) && !isnan(b[j])) d[f][n[f]++] = b[j] - a[j];
        }
        bootstrap(d, n, F, &c->o, (uint64_t)k * (uint64_t)c->nmodels + (uint64_t)m,
                  &row->diff, &row->lo, &row->hi);
    }
    for (int f = 0; f < F; f++) free(d[f]);
    free(d); free(n); free(a); free(b);
}

int rs_compare_run(const rs_topn_report *reps, int nmodels, int nfolds, char *const *names,
                   const rs_compare_opts *o, rs_compare *c, rs_err *e)
{
    memset(c, 0, sizeof *c);
    int F = nfolds, nk = reps[0].nk, ref = -1;
    for (int m = 0; m < nmodels; m++)
        for (int f = 0; f < F; f++) {
            const rs_topn_report *r = &reps[m * F + f];
            if (r->users != reps[f].users || r->nper != reps[f].nper)
                return rs_errf(e, RS_EDATA, "fold %d: models %s and %s were evaluated on "
                               "different users (%llu and %llu)", f + 1, names[0], names[m],
                               (unsigned long long)reps[f].users, (unsigned long long)r->users);
        }
    if (o->reference) {
        for (int m = 0; m < nmodels && ref < 0; m++)
            if (!strcmp(names[m], o->reference)) ref = m;
        if (ref < 0) return rs_errf(e, RS_EUSAGE, "--reference: no model is called '%s'", o->reference);
    }
    c->nmodels = nmodels;
    c->nfolds = F;
    c->nk = nk;
    c->o = *o;
    c->names = rs_xmalloc((size_t)nmodels * sizeof *c->names);
    for (int m = 0; m < nmodels; m++) c->names[m] = rs_xstrdup(names[m]);
    c->o.reference = ref >= 0 ? c->names[ref] : NULL;
    for (int x = 0; x < RS_NMETRICS; x++) c->has[x] = rs_topn_has(&reps[0], x);
    c->rows = rs_xcalloc((size_t)nk * (size_t)nmodels, sizeof *c->rows);
    double *fv = rs_xmalloc((size_t)F * sizeof *fv), v[RS_NMETRICS];
    for (int k = 0; k < nk; k++) {
        int best = -1;
        for (int m = 0; m < nmodels; m++) {
            rs_model_row *row = &c->rows[k * nmodels + m];
            row->model = m;
            row->k = reps[0].rows[k].k;
            for (int f = 0; f < F; f++) row->users += reps[m * F + f].users;
            for (int x = 0; x < RS_NMETRICS; x++) {
                for (int f = 0; f < F; f++) {
                    rs_topn_row_values(&reps[m * F + f].rows[k], v);
                    fv[f] = v[x];
                }
                mean_sd(fv, F, &row->mean[x], &row->sd[x]);
            }
            double s = row->mean[o->metric];
            if (!isnan(s) && (best < 0 || s > c->rows[k * nmodels + best].mean[o->metric])) best = m;
        }
        compare_cutoff(reps, c, k, ref >= 0 ? ref : best >= 0 ? best : 0);
    }
    free(fv);
    return 0;
}

void rs_compare_free(rs_compare *c)
{
    for (int m = 0; m < c->nmodels; m++) free(c->names[m]);
    free(c->names);
    free(c->rows);
    memset(c, 0, sizeof *c);
}
