/* rs_compare's paired bootstrap: users are resampled, not each fold's
 * users apart, so folds that hold the same users give no narrower an
 * interval than one fold, and folds of disjoint users pool. */
#include "tap.h"
#include "common/rng.h"
#include "eval/compare.h"

#define N 200

/* A one-cutoff report of n users: keys[i] and ndcg[i]. */
static void report(rs_topn_report *r, const uint32_t *keys, const double *ndcg, size_t n)
{
    memset(r, 0, sizeof *r);
    r->users = n;
    r->nk = 1;
    r->rows = calloc(1, sizeof *r->rows);
    r->per = calloc(n, sizeof *r->per);
    r->nper = n;
    r->rows[0].k = 10;
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        r->per[i] = (rs_topn_user){ .user = keys[i], .k = 10, .m = { .ndcg = ndcg[i] } };
        s += ndcg[i];
    }
    r->rows[0].ndcg = s / (double)n;
}

static const rs_compare_opts opts = { .metric = RS_M_NDCG, .reference = "ref",
                                      .resamples = 1000, .seed = 3, .level = 0.95 };

/* Model "m" against "ref" (all zeros) on folds of users keys[f] whose
 * differences are d[f]; row of m into *row. */
static int run(int F, uint32_t *const *keys, double *const *d, rs_model_row *row, rs_err *e)
{
    rs_topn_report reps[4];
    double zero[N] = { 0 };
    for (int f = 0; f < F; f++) {
        report(&reps[f], keys[f], zero, N);
        report(&reps[F + f], keys[f], d[f], N);
    }
    char *names[] = { "ref", "m" };
    rs_compare c;
    int rc = rs_compare_run(reps, 2, F, names, &opts, &c, e);
    if (rc == 0) { *row = c.rows[1]; rs_compare_free(&c); }
    for (int j = 0; j < 2 * F; j++) rs_topn_report_free(&reps[j]);
    return rc;
}

int main(void)
{
    tap t = { 0 };
    rs_err e = { 0 };
    uint32_t ka[N], kb[N], kp[N];
    double d[N], dp[N];
    rs_rng rng;
    rs_rng_seed(&rng, 11);
    for (int i = 0; i < N; i++) {
        ka[i] = (uint32_t)(7 * i + 5);          /* keys need not be dense */
        kb[i] = (uint32_t)(100000 + i);
        d[i] = rs_rng_double(&rng) < 0.3 ? rs_rng_double(&rng) : -0.2 * rs_rng_double(&rng);
    }
    for (int i = 0; i < N; i++) {
        kp[i] = ka[N - 1 - i];                  /* the same users, reversed */
        dp[i] = d[N - 1 - i];
    }

    /* One fold: the ordinary paired bootstrap, the same draws as one done
     * by hand from the same stream (model 1 at cutoff 0: stream 1). */
    rs_model_row one, two, perm, dis;
    OK(&t, run(1, (uint32_t *[]){ ka }, (double *[]){ d }, &one, &e) == 0, "one fold runs");
    double stat[1000];
    rs_rng_seed2(&rng, opts.seed, 1);
    for (int b = 0; b < 1000; b++) {
        double s = 0;
        for (int i = 0; i < N; i++) s += d[rs_rng_below(&rng, N)];
        stat[b] = s / N;
    }
    for (int i = 1; i < 1000; i++)      /* insertion sort: small */
        for (int j = i; j > 0 && stat[j - 1] > stat[j]; j--) {
            double x = stat[j]; stat[j] = stat[j - 1]; stat[j - 1] = x;
        }
    NEAR(&t, one.lo, stat[25], 1e-12, "one fold: lo is the 2.5%% point of the plain bootstrap (%g, %g)",
         one.lo, stat[25]);
    NEAR(&t, one.hi, stat[974], 1e-12, "one fold: hi is the 97.5%% point (%g, %g)", one.hi, stat[974]);
    double w1 = one.hi - one.lo;
    OK(&t, w1 > 0.01, "one fold: a real interval (width %g)", w1);

    /* The same users in two folds with the same differences: the folds add
     * nothing, and the interval is the one fold's, not narrower by sqrt 2
     * as resampling each fold apart made it. */
    OK(&t, run(2, (uint32_t *[]){ ka, ka }, (double *[]){ d, d }, &two, &e) == 0, "two folds run");
    NEAR(&t, two.diff, one.diff, 1e-12, "shared users: the same difference");
    NEAR(&t, two.lo, one.lo, 1e-12, "shared users: the same lo (%g, %g)", two.lo, one.lo);
    NEAR(&t, two.hi, one.hi, 1e-12, "shared users: the same hi (%g, %g)", two.hi, one.hi);

    /* Users match by key, not by position in the test file. */
    OK(&t, run(2, (uint32_t *[]){ ka, kp }, (double *[]){ d, dp }, &perm, &e) == 0,
       "two folds, second in another order, run");
    NEAR(&t, perm.lo, one.lo, 1e-12, "shared users in another order: the same lo (%g, %g)",
         perm.lo, one.lo);
    NEAR(&t, perm.hi, one.hi, 1e-12, "shared users in another order: the same hi (%g, %g)",
         perm.hi, one.hi);

    /* Disjoint users: a pooled-user bootstrap of twice the users, about
     * 1/sqrt 2 the width. */
    OK(&t, run(2, (uint32_t *[]){ ka, kb }, (double *[]){ d, d }, &dis, &e) == 0,
       "disjoint folds run");
    double wd = dis.hi - dis.lo;
    OK(&t, wd > 0.6 * w1 && wd < 0.82 * w1, "disjoint users: width %g about %g / sqrt 2", wd, w1);
    OK(&t, dis.lo < dis.diff && dis.diff < dis.hi, "disjoint users: the interval holds the difference");

    /* A user whose figure is undefined (NAN) is left out, and the draws
     * are over the others: the plain bootstrap of the defined ones. */
    double dn[N];
    int nv = 0;
    double dv[N];
    for (int i = 0; i < N; i++) {
        dn[i] = i % 7 == 3 ? NAN : d[i];
        if (!isnan(dn[i])) dv[nv++] = d[i];
    }
    rs_model_row nanrow;
    OK(&t, run(1, (uint32_t *[]){ ka }, (double *[]){ dn }, &nanrow, &e) == 0, "NAN users: runs");
    rs_rng_seed2(&rng, opts.seed, 1);
    for (int b = 0; b < 1000; b++) {
        double s = 0;
        for (int i = 0; i < nv; i++) s += dv[rs_rng_below(&rng, (uint64_t)nv)];
        stat[b] = s / nv;
    }
    for (int i = 1; i < 1000; i++)
        for (int j = i; j > 0 && stat[j - 1] > stat[j]; j--) {
            double x = stat[j]; stat[j] = stat[j - 1]; stat[j - 1] = x;
        }
    NEAR(&t, nanrow.lo, stat[25], 1e-12, "NAN users: lo of the %d defined users' bootstrap", nv);
    NEAR(&t, nanrow.hi, stat[974], 1e-12, "NAN users: hi of the defined users' bootstrap");

    /* A fold of 3 users beside one of 200 others: about e^-3 of the
     * resamples draw none of its users, and leave it out of their mean
     * over the folds rather than failing or giving NAN. */
    uint32_t ks[N];
    double ds[N];
    for (int i = 0; i < N; i++) { ks[i] = (uint32_t)(500000 + i); ds[i] = 0.5; }
    rs_topn_report sm[4];
    double zero3[N] = { 0 };
    report(&sm[0], ka, zero3, N);
    report(&sm[1], ks, zero3, 3);
    report(&sm[2], ka, d, N);
    report(&sm[3], ks, ds, 3);
    char *nm[] = { "ref", "m" };
    rs_compare cs;
    OK(&t, rs_compare_run(sm, 2, 2, nm, &opts, &cs, &e) == 0, "a small fold: runs");
    double mean1 = 0;
    for (int i = 0; i < N; i++) mean1 += d[i];
    mean1 /= N;
    NEAR(&t, cs.rows[1].diff, (mean1 + 0.5) / 2, 1e-12, "a small fold: the mean of the fold means");
    OK(&t, !isnan(cs.rows[1].lo) && !isnan(cs.rows[1].hi) && cs.rows[1].lo < cs.rows[1].diff
       && cs.rows[1].hi > cs.rows[1].diff && cs.rows[1].hi <= 0.5 + 1e-12,
       "a small fold: a finite interval around it, at most 0.5 (%g, %g)", cs.rows[1].lo,
       cs.rows[1].hi);
    rs_compare_free(&cs);
    for (int j = 0; j < 4; j++) rs_topn_report_free(&sm[j]);

    /* Models of one fold must be on the same users. */
    rs_topn_report reps[2];
    double zero[N] = { 0 };
    report(&reps[0], ka, zero, N);
    report(&reps[1], kb, d, N);
    char *names[] = { "ref", "m" };
    rs_compare c;
    OK(&t, rs_compare_run(reps, 2, 1, names, &opts, &c, &e) < 0 && e.code == RS_EDATA
       && strstr(e.msg, "different users"), "models on other users: refused (%s)", e.msg);
    rs_topn_report_free(&reps[0]);
    rs_topn_report_free(&reps[1]);
    return tap_done(&t);
}
