/* filter.h: rs-filter's row filters, applied in place to an rs_ratings table.
 *
 * The steps, in this order, follow the reference notebook's query
 *
 *   SELECT userId, movieId, AVG(rating) FROM ratings
 *   JOIN (SELECT movieId FROM ratings GROUP BY movieId
 *         HAVING COUNT(*) >= :min_item_users) USING (movieId)
 *   JOIN (SELECT userId FROM ratings GROUP BY userId
 *         HAVING COUNT(*) BETWEEN :min_user_items AND :max_user_items) USING (userId)
 *   GROUP BY userId, movieId
 *
 * where "ratings" is the input after the rating threshold:
 *   1. rating threshold: keep min_rating <= rating <= max_rating;
 *   2. count rows (COUNT(*): a repeated pair counts every time) per item and
 *      per user, both on the rows of step 1, then keep the rows whose item
 *      and whose user pass -- neither count sees the other filter;
 *   3. dedup: one row per (user, item) pair (GROUP BY; avg is AVG(rating));
 *   4. k-core (optional, iterative): drop users and items with fewer than K
 *      rows (after dedup: distinct items/users) until none remain;
 *   5. binary, sort, limit.
 * Rows keep input order (a merged pair sits where it first occurred) unless
 * sort is set. */
#ifndef RS_FILTER_H
#define RS_FILTER_H
#include <stddef.h>
#include <stdint.h>
#include "common/err.h"
#include "prep/ratings.h"

enum { RS_DEDUP_AVG = 0, RS_DEDUP_FIRST, RS_DEDUP_LAST, RS_DEDUP_MIN, RS_DEDUP_MAX,
       RS_DEDUP_NONE };

typedef struct rs_filter_opts {
    double min_rating, max_rating;  /* -HUGE_VAL / HUGE_VAL: no threshold */
    int rating_set;                 /* a threshold was asked for (needs ratings) */
    uint64_t min_item_users;        /* rows per item, at least (0 = no filter) */
    uint64_t min_user_items, max_user_items;    /* rows per user, in this range */
    int dedup;                      /* RS_DEDUP_* (default avg, as the SQL) */
    uint64_t core;                  /* K of the k-core, 0 = none */
    int binary;                     /* every rating becomes 1 (a rating column is added) */
    int sort;                       /* by user id, then timestamp, then input order */
    uint64_t limit;                 /* keep the first limit rows (UINT64_MAX = all) */
} rs_filter_opts;

void rs_filter_opts_init(rs_filter_opts *o);
/* Parse a --dedup name; -1 if unknown. */
int rs_filter_dedup_mode(const char *name);

/* What one step left: rows, distinct users and items, after it. */
typedef struct rs_filter_step {
    char what[96];                  /* e.g. "--min-rating 4" */
    size_t rows, users, items;
} rs_filter_step;

typedef struct rs_filter_report {
    rs_filter_step step[12];        /* step[0] is the input */
    int n;
    uint64_t core_passes;           /* --core: counting passes, the last removing nothing */
} rs_filter_report;

/* Apply every step of o to rt in place (rows, ratings, times; the id maps
 * keep ids whose rows were dropped).  rep may be NULL; counting distinct
 * users and items for it costs a pass per step. */
int rs_filter_apply(rs_ratings *rt, const rs_filter_opts *o, rs_filter_report *rep, rs_err *e);

/* The order of --sort on ids: integers (digits only) first, by value, then
 * everything else bytewise.  <0, 0, >0 like strcmp. */
int rs_id_cmp(const char *a, size_t na, const char *b, size_t nb);

#endif
