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
#include "prep/features.h"

typedef struct rs_eval rs_eval;

rs_eval *rs_eval_new(void);
void rs_eval_free(rs_eval *ev);

/* Recommendations, user<TAB>rank<TAB>item<TAB>score[<TAB>anything], lines in
 * any order; ranks are integers >= 1 and only order a user's list.  May be
 * called for several inputs; an empty input is allowed. */
int rs_eval_read_recs(rs_eval *ev, rs_in *in, rs_err *e);
/* Predictions, user<TAB>item<TAB>score (rs-recommend --predict). */
int rs_eval_read_predictions(rs_eval *ev, rs_in *in, rs_err *e);
/* The test set, canonical TSV; an empty one is an error (but for a shard:
 * rs_eval_set_shard, which must come first). */
int rs_eval_read_test(rs_eval *ev, rs_in *in, rs_err *e);
/* The training set, canonical TSV: item popularity and the catalogue. */
int rs_eval_read_train(rs_eval *ev, rs_in *in, rs_err *e);

/* Baseline lists for serendipity (same format as the recommendations):
 * an item's chance of being recommended to any user is taken from them
 * instead of from the lists under evaluation. */
int rs_eval_read_baseline(rs_eval *ev, rs_in *in, rs_err *e);
/* Item attributes for diversity and attribute coverage; borrowed, so f
 * must outlive the evaluation. */
void rs_eval_set_features(rs_eval *ev, const rs_features *f);
/* The inputs are one shard of a sharded evaluation (rs-eval --partial): a
 * shard may hold no users, so an empty test set, and lists that share no
 * user with it (or a test set where none has a relevant item), make a
 * report of zero users instead of an error. */
void rs_eval_set_shard(rs_eval *ev);
/* Item factors for diversity (1 - cosine of the factors, which then
 * replaces the attributes' cosine): Q is rows x k, row r the item
 * rs_idmap_str(items, r).  Borrowed, as above. */
void rs_eval_set_factors(rs_eval *ev, const rs_idmap *items, const float *Q, uint32_t k);

/* The id string of a dense item id of a report (best, cat). */
const char *rs_eval_item_id(const rs_eval *ev, uint32_t item, size_t *len);
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
    int beyond;                 /* longtail, serendipity, personalization */
    double head;                /* longtail: the share of training items that is the head */
    int keep_sums;              /* keep the sums behind the means in the report (partial.h) */
} rs_topn_opts;

/* Every metric of a top-N report, in the order of the columns.  The ones
 * after novelty are columns only when the report has them (rs_topn_has). */
enum rs_metric {
    RS_M_HITRATE, RS_M_PRECISION, RS_M_RECALL, RS_M_MAP, RS_M_NDCG, RS_M_MRR,
    RS_M_COVERAGE, RS_M_NOVELTY, RS_M_LONGTAIL, RS_M_SERENDIPITY, RS_M_PERSONALIZATION,
    RS_M_DIVERSITY, RS_M_ATTR_COVERAGE, RS_NMETRICS
};
extern const char *const rs_metric_names[RS_NMETRICS];
/* The metric called name (a per-user name such as ap or rr is taken for its
 * mean, map or mrr), or -1. */
int rs_metric_find(const char *name);
/* Whether the metric is a mean of per-user values (coverage and
 * personalization are figures of all lists together). */
int rs_metric_per_user(int m);

typedef struct rs_topn_row {    /* means over evaluated users, one cutoff */
    int64_t k;
    double hitrate, precision, recall, map, ndcg, mrr, coverage, novelty;
    double longtail, serendipity, personalization, diversity, attr_coverage;
    uint64_t short_lists;       /* evaluated users whose list has 1..k-1 items */
} rs_topn_row;

typedef struct rs_topn_user {
    uint32_t user;              /* dense id; the writers print its string */
    int64_t k;
    uint64_t nrecs, nrel;
    rs_topn_metrics m;
    double novelty;
    double longtail, serendipity, diversity, attr_coverage;
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
    int beyond;                 /* longtail, serendipity and personalization were asked for */
    int diversity;              /* 0 none, 1 by attributes, 2 by factors */
    uint64_t attributes;        /* of the features file; 0 without one */
    /* With keep_sums: sums[k * RS_NMETRICS + m] of metric m's per-user
     * values at cutoff k (exact: common/xsum.h) over nsums[...] users;
     * best[i], the best 0-based list position of item i (UINT64_MAX: in no
     * list) and cat[i], whether it is in coverage's catalogue, for the
     * nitems items of rs_eval_item_id. */
    struct rs_xsum *sums;
    uint64_t *nsums, *best;
    unsigned char *cat;
    size_t nitems;
} rs_topn_report;

/* Whether report r has metric m (a column). */
int rs_topn_has(const rs_topn_report *r, int m);
/* A row's or a user's values, indexed by enum rs_metric (NAN where a user
 * has none: coverage, personalization). */
void rs_topn_row_values(const rs_topn_row *w, double v[RS_NMETRICS]);
void rs_topn_user_values(const rs_topn_user *p, double v[RS_NMETRICS]);

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
