#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tune/sampler.h"
#include "common/err.h"
#include "common/rng.h"

void rs_sampler_defaults(rs_sampler_opts *o)
{
    o->kind = RS_SAMPLER_TPE;
    o->seed = 1;
    o->n_startup = 10;
    o->candidates = 24;
}

int rs_sampler_parse(const char *name)
{
    if (!strcmp(name, "random")) return RS_SAMPLER_RANDOM;
    if (!strcmp(name, "tpe")) return RS_SAMPLER_TPE;
    return -1;
}

/* A Parzen estimator of one numeric parameter: weighted truncated
 * Gaussians on [lo, hi]. */
typedef struct parzen {
    size_t n;
    double *mu, *sigma, *w, *z;     /* z: the mass of each inside [lo, hi] */
    double lo, hi;
} parzen;

static double Phi(double t) { return 0.5 * erfc(-t / sqrt(2)); }

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* obs: the values of the side; w: their weights (the prior gets 1). */
static void parzen_build(parzen *p, const double *obs, const double *wobs, size_t n, double lo, double hi)
{
    p->n = n + 1;
    p->lo = lo;
    p->hi = hi;
    p->mu = rs_xmalloc(p->n * sizeof *p->mu);
    p->sigma = rs_xmalloc(p->n * sizeof *p->sigma);
    p->w = rs_xmalloc(p->n * sizeof *p->w);
    p->z = rs_xmalloc(p->n * sizeof *p->z);
    double range = hi - lo, sum = 1;
    for (size_t i = 0; i < n; i++) {
        p->mu[i] = obs[i];
        p->w[i] = wobs[i];
        sum += wobs[i];
    }
    p->mu[n] = 0.5 * (lo + hi);
    p->w[n] = 1;
    /* Widths: the larger gap to a neighbour among all the centres (the
     * prior's too) and the ends, clipped (optuna's "magic clip"). */
    double *sorted = rs_xmalloc((p->n + 2) * sizeof *sorted);
    memcpy(sorted + 1, p->mu, p->n * sizeof *sorted);
    sorted[0] = lo;
    sorted[p->n + 1] = hi;
    qsort(sorted + 1, p->n, sizeof *sorted, cmp_double);
    double minw = range / fmin(100.0, 1.0 + (double)p->n);
    for (size_t i = 0; i < n; i++) {
        /* Its place among the sorted (the first equal one will do). */
        size_t a = 1, b = p->n;
        while (a < b) {
            size_t m = (a + b) / 2;
            if (sorted[m] < p->mu[i]) a = m + 1;
            else b = m;
        }
        double s = fmax(sorted[a] - sorted[a - 1], sorted[a + 1] - sorted[a]);
        p->sigma[i] = fmin(fmax(s, minw), range);
    }
    p->sigma[n] = range;
    free(sorted);
    for (size_t i = 0; i < p->n; i++) {
        p->w[i] /= sum;
        p->z[i] = Phi((hi - p->mu[i]) / p->sigma[i]) - Phi((lo - p->mu[i]) / p->sigma[i]);
        if (!(p->z[i] > 1e-300)) p->z[i] = 1e-300;
    }
}

static void parzen_free(parzen *p)
{
    free(p->mu);
    free(p->sigma);
    free(p->w);
    free(p->z);
}

static double parzen_logpdf(const parzen *p, double x)
{
    double s = 0;
    for (size_t i = 0; i < p->n; i++) {
        double t = (x - p->mu[i]) / p->sigma[i];
        s += p->w[i] * exp(-0.5 * t * t) / (p->sigma[i] * sqrt(2 * M_PI) * p->z[i]);
    }
    return log(s > 1e-300 ? s : 1e-300);
}

static size_t pick(rs_rng *r, const double *w, size_t n)
{
    double u = rs_rng_double(r), c = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        c += w[i];
        if (u < c) return i;
    }
    return n - 1;
}

static double parzen_draw(const parzen *p, rs_rng *r)
{
    size_t i = pick(r, p->w, p->n);
    /* Rejection from the untruncated Gaussian: the mass inside is at least
     * a fair part for any centre inside the range. */
    for (int tries = 0; tries < 1000; tries++) {
        double x = p->mu[i] + p->sigma[i] * rs_rng_normal(r);
        if (x >= p->lo && x <= p->hi) return x;
    }
    return p->lo + (p->hi - p->lo) * rs_rng_double(r);
}

/* optuna's weights of the observations of a side, oldest first: equal for
 * fewer than 25, else a ramp from 1/n up to 1 over all but the newest 25. */
static void side_weights(double *w, size_t n)
{
    for (size_t i = 0; i < n; i++) w[i] = 1;
    if (n < 25) return;
    size_t ramp = n - 25;
    for (size_t i = 0; i < ramp; i++)
        w[i] = ramp > 1 ? 1.0 / (double)n + (1 - 1.0 / (double)n) * (double)i / (double)(ramp - 1) : 1.0 / (double)n;
}

static double propose_numeric(const double *good, size_t ng, const double *bad, size_t nb, double lo,
                              double hi, int candidates, rs_rng *r)
{
    double *wg = rs_xmalloc((ng + 1) * sizeof *wg), *wb = rs_xmalloc((nb + 1) * sizeof *wb);
    side_weights(wg, ng);
    side_weights(wb, nb);
    parzen l, g;
    parzen_build(&l, good, wg, ng, lo, hi);
    parzen_build(&g, bad, wb, nb, lo, hi);
    double best = 0, best_score = -HUGE_VAL;
    for (int c = 0; c < candidates; c++) {
        double x = parzen_draw(&l, r), sc = parzen_logpdf(&l, x) - parzen_logpdf(&g, x);
        if (sc > best_score) {
            best_score = sc;
            best = x;
        }
    }
    parzen_free(&l);
    parzen_free(&g);
    free(wg);
    free(wb);
    return best;
}

static double propose_choice(const double *good, size_t ng, const double *bad, size_t nb, int k,
                             int candidates, rs_rng *r)
{
    double *pl = rs_xcalloc((size_t)k, sizeof *pl), *pg = rs_xcalloc((size_t)k, sizeof *pg);
    double *wg = rs_xmalloc((ng + 1) * sizeof *wg), *wb = rs_xmalloc((nb + 1) * sizeof *wb);
    side_weights(wg, ng);
    side_weights(wb, nb);
    for (int c = 0; c < k; c++) pl[c] = pg[c] = 1.0 / k;
    for (size_t i = 0; i < ng; i++) pl[(int)floor(good[i])] += wg[i];
    for (size_t i = 0; i < nb; i++) pg[(int)floor(bad[i])] += wb[i];
    double sl = 0, sg = 0;
    for (int c = 0; c < k; c++) {
        sl += pl[c];
        sg += pg[c];
    }
    for (int c = 0; c < k; c++) {
        pl[c] /= sl;
        pg[c] /= sg;
    }
    int best = 0;
    double best_score = -HUGE_VAL;
    for (int t = 0; t < candidates; t++) {
        int c = (int)pick(r, pl, (size_t)k);
        double sc = log(pl[c]) - log(pg[c]);
        if (sc > best_score) {
            best_score = sc;
            best = c;
        }
    }
    free(pl);
    free(pg);
    free(wg);
    free(wb);
    return best + 0.5;
}

typedef struct ranked { double y; size_t i; } ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->y != y->y) return x->y < y->y ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;     /* the older first among equals */
}

void rs_sampler_propose(const rs_space *s, const rs_sampler_opts *o, const double *X,
                        const double *y, size_t nobs, long trial, double *x)
{
    rs_rng r;
    rs_rng_seed2(&r, o->seed, (uint64_t)trial);
    if (o->kind == RS_SAMPLER_RANDOM || nobs < (size_t)o->n_startup || nobs < 2) {
        for (int j = 0; j < s->n; j++) {
            double lo, hi;
            rs_param_bounds(&s->p[j], &lo, &hi);
            x[j] = lo + (hi - lo) * rs_rng_double(&r);
        }
        return;
    }
    ranked *rk = rs_xmalloc(nobs * sizeof *rk);
    for (size_t i = 0; i < nobs; i++) rk[i] = (ranked){ y[i], i };
    qsort(rk, nobs, sizeof *rk, cmp_ranked);
    size_t ng = (size_t)ceil(0.1 * (double)nobs);
    if (ng > 25) ng = 25;
    if (ng < 1) ng = 1;
    size_t nb = nobs - ng;
    /* Each side in trial order (the weights favour the newer). */
    char *is_good = rs_xcalloc(nobs, 1);
    for (size_t i = 0; i < ng; i++) is_good[rk[i].i] = 1;
    double *good = rs_xmalloc((ng + 1) * sizeof *good), *bad = rs_xmalloc((nb + 1) * sizeof *bad);
    for (int j = 0; j < s->n; j++) {
        size_t a = 0, b = 0;
        for (size_t i = 0; i < nobs; i++) {
            if (is_good[i]) good[a++] = X[i * (size_t)s->n + j];
            else bad[b++] = X[i * (size_t)s->n + j];
        }
        const rs_param *p = &s->p[j];
        if (p->type == RS_PARAM_CHOICE) {
            x[j] = propose_choice(good, ng, bad, nb, p->nchoices, o->candidates, &r);
        } else {
            double lo, hi;
            rs_param_bounds(p, &lo, &hi);
            x[j] = propose_numeric(good, ng, bad, nb, lo, hi, o->candidates, &r);
        }
    }
    free(good);
    free(bad);
    free(is_good);
    free(rk);
}
