/* eval.h: rs-eval's data side.  Reads recommendation lists or rating
 * predictions, a test set and optionally the training set, matches users
 * and items by their id strings and scores each user with metrics.h;
 * report.h writes the result.
 *
 * Everything is read before anything is evaluated, and the caller chooses
 * the order: rs-eval reads its standard input to the end before it opens
 * the test file, which an earlier stage of the same pipe may still be
 * writing. */
#ifndef RS_EVAL_H
#define RS_EVAL_H
#include <stdint.h>
#include <stdio.h>
#include "common/err.h"
#include "common/io.h"
#include "eval/metrics.h"

typedef struct rs_eval rs_eval;

rs_eval *rs_eval_new(void);
void rs_eval_free(rs_eval *ev);

/* Recommendations, user<TAB>rank<TAB>item<TAB>score[<TAB>anything], lines in
 * any order; ranks are integers >= 1 and only order a user's list.  May be
 * called for several inputs; an empty input is allowed. */
int rs_eval_read_recs(rs_eval *ev, rs_in *in, rs_err *e);
/* Predictions, user<TAB>item<TAB>score (rs-recommend --predict). */
int rs_eval_read_predictions(rs_eval *ev, rs_in *in, rs_err *e);
/* The test set, canonical TSV; an empty one is an error. */
int rs_eval_read_test(rs_eval *ev, rs_in *in, rs_err *e);
/* The training set, canonical TSV: item popularity and the catalogue. */
int rs_eval_read_train(rs_eval *ev, rs_in *in, rs_err *e);

/* The id string of a dense user id of a report. */
const char *rs_eval_user_id(const rs_eval *ev, uint32_t user, size_t *len);

/* How much has been read so far (for rs-eval -v). */
typedef struct rs_eval_sizes {
    size_t recs, predictions, test;     /* lines kept */
    uint64_t train_users, train_items;
} rs_eval_sizes;
void rs_eval_sizes_get(const rs_eval *ev, rs_eval_sizes *s);

/* Top-N evaluation of recommendation lists. */
typedef struct rs_topn_opts {
    const int64_t *ks;          /* cutoffs, each >= 1 */
    int nk;
    int threshold_set;          /* relevant = test items rated >= threshold */
    double threshold;
    enum rs_ap_denom ap_denom;
    int per_user;               /* also keep each user's figures */
} rs_topn_opts;

typedef struct rs_topn_row {    /* means over evaluated users, one cutoff */
    int64_t k;
    double hitrate, precision, recall, map, ndcg, mrr, coverage, novelty;
    uint64_t short_lists;       /* evaluated users whose list has 1..k-1 items */
} rs_topn_row;

typedef struct rs_topn_user {
    uint32_t user;              /* dense id; the writers print its string */
    int64_t k;
    uint64_t nrecs, nrel;
    rs_topn_metrics m;
    double novelty;
} rs_topn_user;

typedef struct rs_topn_report {
    uint64_t users;             /* evaluated: test users with a relevant item */
    uint64_t users_without_recs;        /* of those, with no list (all zeros) */
    uint64_t users_not_in_test;         /* with a list but no test line: ignored */
    uint64_t users_without_relevant;    /* test users left with nothing relevant */
    uint64_t catalogue;         /* coverage's denominator: */
    int catalogue_from_train;   /* training items (and listed ones), else every item seen */
    uint64_t repeated;          /* list slots repeating an item of the same list */
    int nk;
    rs_topn_row *rows;
    rs_topn_user *per;          /* per_user: users x nk, test-file user order */
    size_t nper;
} rs_topn_report;

/* An error, rather than a report of zeros, when no evaluated user has a
 * list although lists were read (lists for another test set). */
int rs_eval_topn(rs_eval *ev, const rs_topn_opts *o, rs_topn_report *r, rs_err *e);
void rs_topn_report_free(rs_topn_report *r);

/* Rating prediction: RMSE, MAE and the assignment's NDCG. */
typedef struct rs_rated_report {
    uint64_t users;             /* in the NDCG mean */
    uint64_t pairs;             /* test lines with a prediction */
    uint64_t missing;           /* test lines without one */
    uint64_t not_in_test;       /* predictions for pairs not in the test set */
    double rmse, mae, ndcg;
} rs_rated_report;

/* An error when predictions were read and none is for a test pair. */
int rs_eval_rated(rs_eval *ev, rs_rated_report *r, rs_err *e);

#endif
