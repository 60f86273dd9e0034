#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/idmap.h"
#include "common/parallel.h"
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
    for (size_t i = 0; i < r->users; i++) {
        rs_topn_user_values(&r->per[i * (size_t)r->nk + (size_t)k], v);
        out[i] = v[metric];
    }
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int by_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* One model's per-user differences to the reference at one cutoff: users
 * numbered 0..nusers in the order of first appearance, fold by fold; fold
 * f's entries fstart[f]..fstart[f + 1], each a user and its difference,
 * in user order, one for each user of the fold where both figures are
 * defined.  By fold and in user order, a resample's sums run down memory
 * with their sums in registers. */
typedef struct diffs {
    int nfolds;
    size_t nusers;
    size_t *fstart;             /* nfolds + 1 */
    uint32_t *user;
    double *d;
} diffs;

/* The statistic is the mean over folds of each fold's mean difference.  The
 * interval is its percentile interval over resamples that draw users with
 * replacement from the union of the folds' users (a cluster bootstrap by
 * user): a drawn user brings its difference in every fold it is in, so a
 * user's folds move together, as they must when the folds share users
 * (k-fold CV by ratings, repeated random splits); with disjoint folds it
 * is a pooled-user bootstrap, and with one fold the ordinary one (the same
 * draws as before it was by user, so the same interval but for the order
 * of a sum's terms).  A resample
 * draws counts, not lists: each fold's mean weighs its users by how many
 * times they were drawn.  A fold none of whose users was drawn has no mean
 * in that resample and is left out of its mean over folds. */
static void bootstrap(const diffs *x, const rs_compare_opts *o, uint64_t stream,
                      const double *diff, double *lo, double *hi)
{
    int nfolds = x->nfolds;
    size_t F = (size_t)nfolds, N = x->nusers;
    double *fm = rs_xmalloc(F * sizeof *fm), sd;
    *lo = *hi = NAN;
    if (o->resamples > 0 && !isnan(*diff) && N) {
        rs_rng rng;
        rs_rng_seed2(&rng, o->seed, stream);
        double *stat = rs_xmalloc((size_t)o->resamples * sizeof *stat);
        uint32_t *c = rs_xmalloc(N * sizeof *c);
        for (int b = 0; b < o->resamples; b++) {
            memset(c, 0, N * sizeof *c);
            for (size_t i = 0; i < N; i++) c[rs_rng_below(&rng, N)]++;
            for (size_t f = 0; f < F; f++) {
                /* Four partial sums: one would wait on the adder at each user. */
                double s4[4] = { 0, 0, 0, 0 };
                uint64_t w = 0;
                size_t j = x->fstart[f], end = x->fstart[f + 1];
                for (; j + 4 <= end; j += 4)
                    for (int q = 0; q < 4; q++) {
                        uint32_t cg = c[x->user[j + (size_t)q]];
                        s4[q] += (double)cg * x->d[j + (size_t)q];
                        w += cg;
                    }
                for (; j < end; j++) {
                    s4[0] += (double)c[x->user[j]] * x->d[j];
                    w += c[x->user[j]];
                }
                fm[f] = w ? (s4[0] + s4[1] + (s4[2] + s4[3])) / (double)w : NAN;
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
        free(c);
    }
    free(fm);
}

/* The users of every fold: uid[f][i], fold f's i-th evaluated user as an
 * index into the sorted distinct keys of all folds (nkeys of them). */
typedef struct users {
    uint32_t **uid;
    size_t nkeys;
} users;

static void users_index(const rs_topn_report *reps, int F, users *u)
{
    size_t total = 0, nk = 0;
    for (int f = 0; f < F; f++) total += reps[f].users;
    uint32_t *keys = rs_xmalloc((total ? total : 1) * sizeof *keys);
    for (int f = 0; f < F; f++)
        for (size_t i = 0; i < reps[f].users; i++)
            keys[nk++] = reps[f].per[i * (size_t)reps[f].nk].user;
    qsort(keys, total, sizeof *keys, by_u32);
    nk = 0;
    for (size_t i = 0; i < total; i++)
        if (!nk || keys[i] != keys[nk - 1]) keys[nk++] = keys[i];
    u->nkeys = nk;
    u->uid = rs_xmalloc((size_t)F * sizeof *u->uid);
    for (int f = 0; f < F; f++) {
        u->uid[f] = rs_xmalloc((reps[f].users ? reps[f].users : 1) * sizeof **u->uid);
        for (size_t i = 0; i < reps[f].users; i++) {
            uint32_t key = reps[f].per[i * (size_t)reps[f].nk].user;
            const uint32_t *p = bsearch(&key, keys, nk, sizeof *keys, by_u32);
            u->uid[f][i] = (uint32_t)(p - keys);
        }
    }
    free(keys);
}

/* Model m's differences to the reference at cutoff k into x (allocated
 * for us->nkeys users and total entries), and its estimate into *diff.
 * compact and byuser: scratch of us->nkeys entries. */
static void model_diffs(const rs_topn_report *reps, const users *us, int F, int metric, int k,
                        int ref, int m, double *const *dv, double *a, double *b,
                        int64_t *compact, double *byuser, diffs *x, double *diff)
{
    size_t nkeys = us->nkeys ? us->nkeys : 1;
    for (size_t g = 0; g < nkeys; g++) { compact[g] = -1; byuser[g] = NAN; }
    x->nusers = 0;
    for (int f = 0; f < F; f++) {
        user_values(&reps[ref * F + f], k, metric, a);
        user_values(&reps[m * F + f], k, metric, b);
        for (size_t i = 0; i < reps[f].users; i++) {
            dv[f][i] = isnan(a[i]) || isnan(b[i]) ? NAN : b[i] - a[i];
            int64_t *cg = &compact[us->uid[f][i]];
            if (!isnan(dv[f][i]) && *cg < 0) *cg = (int64_t)x->nusers++;
        }
    }
    /* The estimate, each fold's sum in its own user order. */
    for (int f = 0; f < F; f++) {
        double sum = 0;
        size_t n = 0;
        for (size_t i = 0; i < reps[f].users; i++)
            if (!isnan(dv[f][i])) { sum += dv[f][i]; n++; }
        a[f] = n ? sum / (double)n : NAN;
    }
    double sd;
    mean_sd(a, F, diff, &sd);
    /* Each fold's entries in user order: through byuser, which the users'
     * numbers index (a user is at most once in a fold). */
    size_t j = 0, N = x->nusers;
    for (int f = 0; f < F; f++) {
        x->fstart[f] = j;
        for (size_t i = 0; i < reps[f].users; i++)
            if (!isnan(dv[f][i])) byuser[compact[us->uid[f][i]]] = dv[f][i];
        for (size_t g = 0; g < N; g++)
            if (!isnan(byuser[g])) {
                x->user[j] = (uint32_t)g;
                x->d[j++] = byuser[g];
                byuser[g] = NAN;
            }
    }
    x->fstart[F] = j;
    x->nfolds = F;
    /* Every user in every fold (repeated splits of the same users): every
     * fold's mean is over the N draws, so the mean of the fold means is the
     * mean over the draws of each user's mean over the folds, one sum in
     * place of F. */
    if (F > 1 && j == N * (size_t)F) {
        for (size_t g = 0; g < N; g++) {
            double sum = 0;
            for (int f = 0; f < F; f++) sum += x->d[(size_t)f * N + g];
            byuser[g] = sum / F;
        }
        for (size_t g = 0; g < N; g++) { x->d[g] = byuser[g]; x->user[g] = (uint32_t)g; }
        x->fstart[1] = N;
        x->nfolds = 1;
    }
}

typedef struct cutoff_job {
    const diffs *x;             /* by model */
    rs_model_row *rows;         /* the cutoff's, by model */
    const int *model;           /* the models compared, all but the reference */
    const rs_compare_opts *o;
    uint64_t stream0;           /* model m's stream: stream0 + m */
} cutoff_job;

static int bootstrap_models(void *ctx, int t, size_t lo, size_t hi, rs_err *e)
{
    const cutoff_job *J = ctx;
    for (size_t j = lo; j < hi; j++) {
        int m = J->model[j];
        bootstrap(&J->x[m], J->o, J->stream0 + (uint64_t)m, &J->rows[m].diff, &J->rows[m].lo,
                  &J->rows[m].hi);
    }
    return 0;
}

static void compare_cutoff(const rs_topn_report *reps, const users *us, rs_compare *c, int k,
                           int ref)
{
    int F = c->nfolds, M = c->nmodels;
    size_t maxn = (size_t)F, total = 0, nkeys = us->nkeys ? us->nkeys : 1;
    for (int f = 0; f < F; f++) {
        if (reps[f].users > maxn) maxn = reps[f].users;
        total += reps[f].users;
    }
    double *a = rs_xmalloc(maxn * sizeof *a), *b = rs_xmalloc(maxn * sizeof *b);
    double **dv = rs_xmalloc((size_t)F * sizeof *dv);
    for (int f = 0; f < F; f++) dv[f] = rs_xmalloc((reps[f].users ? reps[f].users : 1) * sizeof **dv);
    int64_t *compact = rs_xmalloc(nkeys * sizeof *compact);
    double *byuser = rs_xmalloc(nkeys * sizeof *byuser);
    diffs *x = rs_xcalloc((size_t)M, sizeof *x);
    rs_model_row *rows = &c->rows[k * M];
    int *model = rs_xmalloc((size_t)M * sizeof *model), nj = 0;
    for (int m = 0; m < M; m++) {
        rows[m].reference = m == ref;
        rows[m].diff = rows[m].lo = rows[m].hi = NAN;
        if (m == ref) continue;
        model[nj++] = m;
        x[m] = (diffs){ .fstart = rs_xmalloc(((size_t)F + 1) * sizeof *x[m].fstart),
                        .user = rs_xmalloc((total ? total : 1) * sizeof *x[m].user),
                        .d = rs_xmalloc((total ? total : 1) * sizeof *x[m].d) };
        model_diffs(reps, us, F, c->o.metric, k, ref, m, dv, a, b, compact, byuser, &x[m],
                    &rows[m].diff);
    }
    /* The models' resamples are independent (a stream each): in parallel. */
    cutoff_job J = { .x = x, .rows = rows, .model = model, .o = &c->o,
                     .stream0 = (uint64_t)k * (uint64_t)M };
    rs_err e = { 0 };
    int T = c->o.threads > 0 ? c->o.threads : rs_threads_default();
    if (nj) rs_parallel_for(T < nj ? T : nj, (size_t)nj, bootstrap_models, &J, &e);
    free(model);
    for (int m = 0; m < M; m++) { free(x[m].fstart); free(x[m].user); free(x[m].d); }
    for (int f = 0; f < F; f++) free(dv[f]);
    free(x); free(dv); free(compact); free(byuser); free(a); free(b);
}

void rs_compare_key_users(rs_topn_report *r, const rs_eval *ev, rs_idmap *keys)
{
    for (size_t j = 0; j < r->nper; j++) {
        size_t len;
        const char *id = rs_eval_user_id(ev, r->per[j].user, &len);
        r->per[j].user = rs_idmap_intern(keys, id, len);
    }
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
            if (r->nper != r->users * (uint64_t)r->nk)
                return rs_errf(e, RS_EUSAGE, "fold %d: model %s's report has no per-user figures",
                               f + 1, names[m]);
            for (size_t i = 0; i < r->users; i++)
                if (r->per[i * (size_t)r->nk].user != reps[f].per[i * (size_t)r->nk].user)
                    return rs_errf(e, RS_EDATA, "fold %d: models %s and %s were evaluated on "
                                   "different users (user %zu of the test set differs)", f + 1,
                                   names[0], names[m], i + 1);
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
    users us;
    users_index(reps, F, &us);
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
        compare_cutoff(reps, &us, c, k, ref >= 0 ? ref : best >= 0 ? best : 0);
    }
    for (int f = 0; f < F; f++) free(us.uid[f]);
    free(us.uid);
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
