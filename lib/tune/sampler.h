/* sampler.h: the next setting of a search, from the settings and metrics
 * of the trials done so far.
 *
 * random: every parameter uniform over its range (on its scale).
 * tpe: the Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio,
 * Kegl 2011) as optuna's default sampler does it, parameter by parameter
 * (independent TPE): the first n_startup trials are random; after that the
 * finished trials are split at the gamma quantile of the metric (the best
 * min(ceil(0.1 n), 25) are "good"), each side becomes a Parzen estimator
 * (a mixture of truncated Gaussians, one per observation plus a wide prior
 * at the middle of the range; each width the larger gap to a neighbour,
 * clipped to [range / min(100, 1 + n), range]; choices get counts plus a
 * prior of 1), and of 24 draws from the good side's l(x) the one with the
 * largest l(x) / g(x) is the proposal.
 *
 * Proposals are deterministic: the trial number picks the random stream
 * (seed, trial), so the same history and seed give the same proposal. */
#ifndef RS_TUNE_SAMPLER_H
#define RS_TUNE_SAMPLER_H
#include <stddef.h>
#include <stdint.h>
#include "tune/space.h"

enum { RS_SAMPLER_RANDOM, RS_SAMPLER_TPE };

typedef struct rs_sampler_opts {
    int kind;               /* RS_SAMPLER_* */
    uint64_t seed;
    int n_startup;          /* random trials before TPE (default 10) */
    int candidates;         /* draws from l(x) per parameter (default 24) */
} rs_sampler_opts;

void rs_sampler_defaults(rs_sampler_opts *o);
/* -1 when name is neither "random" nor "tpe". */
int rs_sampler_parse(const char *name);

/* The proposal of trial `trial` into x[0..s->n-1] (internal scale, see
 * space.h).  X: nobs finished trials, row-major nobs x s->n, in the order
 * they were numbered; y: their metrics, smaller is better. */
void rs_sampler_propose(const rs_space *s, const rs_sampler_opts *o, const double *X,
                        const double *y, size_t nobs, long trial, double *x);

#endif
