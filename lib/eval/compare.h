/* compare.h: several models, over one or more folds, in one table: each
 * metric's mean over the folds and its standard deviation, and a paired
 * bootstrap interval of each model's difference to a reference model on
 * one per-user metric (man rs-eval, MODELS AND FOLDS). */
#ifndef RS_COMPARE_H
#define RS_COMPARE_H
#include <stdint.h>
#include "common/err.h"
#include "common/idmap.h"
#include "eval/eval.h"

typedef struct rs_compare_opts {
    int metric;                 /* enum rs_metric, a per-user one */
    const char *reference;      /* a model's name, or NULL for the best at each cutoff */
    int resamples;              /* bootstrap resamples; 0: no interval */
    uint64_t seed;
    double level;               /* of the interval, e.g. 0.95 */
    int threads;                /* for the resamples (each model its own); 0: every core */
} rs_compare_opts;

typedef struct rs_model_row {
    int model;                  /* index into names */
    int64_t k;
    uint64_t users;             /* evaluated, summed over the folds */
    double mean[RS_NMETRICS];   /* over the folds of each fold's figure */
    double sd[RS_NMETRICS];     /* sample standard deviation over the folds; NAN for one */
    int reference;              /* the row the others of its cutoff are compared with */
    double diff, lo, hi;        /* mean per-user difference to the reference, interval */
} rs_model_row;

typedef struct rs_compare {
    int nmodels, nfolds, nk;
    char **names;               /* copies */
    rs_model_row *rows;         /* by cutoff, then model */
    rs_compare_opts o;          /* as run; reference copied (NULL: best) */
    int has[RS_NMETRICS];       /* which metrics are columns */
} rs_compare;

/* reps[m * nfolds + f]: model m on fold f, with per-user figures, every
 * model of a fold evaluated against the same test set, and each per-user
 * figure's user a key that names the same user in every fold (as
 * rs_compare_key_users makes them): the interval resamples users, not
 * each fold's users apart, since folds that share users are not
 * independent samples (man rs-eval, MODELS AND FOLDS).  Fills c (free it
 * with rs_compare_free). */
int rs_compare_run(const rs_topn_report *reps, int nmodels, int nfolds, char *const *names,
                   const rs_compare_opts *o, rs_compare *c, rs_err *e);
void rs_compare_free(rs_compare *c);

/* Turn r's per-user users from ev's dense ids into keys of the id map
 * keys, shared by every report of one comparison, so that a user read
 * from several folds' test files is one user (by its id string).  The
 * report's per-user rows then no longer name users of ev. */
void rs_compare_key_users(rs_topn_report *r, const rs_eval *ev, rs_idmap *keys);

#endif
