/* split.h: train/test splits of an interaction table.
 *
 * A split is decided in two steps, then reported as one flag per row:
 *
 *  1. Which users give test rows: every user (default), a random
 *     --users-frac of them, or (with folds) the users of one of K groups
 *     made by shuffling the users and cutting the shuffled list into K
 *     contiguous parts whose sizes differ by at most one, as numpy's
 *     array_split does in LensKit's partition_users.
 *  2. Which rows of such a user are test: her last N (by timestamp, ties
 *     broken by input order, or by input order alone; a user with N or fewer
 *     rows is all test, as Python's items[:-N], items[-N:]), a random
 *     fraction of them, or all of them (only with users_frac).
 *
 * Folds without last/frac mean rating-level K-fold instead: all rows are
 * shuffled and cut into K parts, and part `fold` is test, so each row is
 * test in exactly one fold (Surprise's KFold).
 *
 * Counts from a fraction are round(F * n) with ties to even, like Python's
 * round() in LensKit's SampleFrac and sample_users.  All randomness comes
 * from rng.h keyed by the seed, so a seed gives the same split everywhere. */
#ifndef RS_SPLIT_H
#define RS_SPLIT_H
#include <stddef.h>
#include <stdint.h>
#include "common/err.h"
#include "prep/ratings.h"

enum { RS_SPLIT_BY_TIME = 0, RS_SPLIT_BY_ORDER = 1 };

typedef struct rs_split_opts {
    uint64_t last;       /* > 0: hold out each chosen user's last `last` rows */
    double frac;         /* >= 0: hold out this fraction of a chosen user's rows */
    double users_frac;   /* >= 0: choose this fraction of the users */
    int64_t folds, fold; /* folds >= 2: K-fold, and fold (1..folds) is test */
    int by;              /* RS_SPLIT_BY_TIME or RS_SPLIT_BY_ORDER, for `last` */
    int stream_by_id;    /* frac: each user's stream keyed by FNV-1a 64 of her id
                          * (common/shard.h) instead of her first-seen index, so
                          * a shard of the users draws what the whole table does */
    uint64_t seed;
} rs_split_opts;

/* Nothing chosen yet (frac, users_frac < 0; last, folds 0), by time, seed 1. */
void rs_split_opts_init(rs_split_opts *o);

/* Check that the options make one meaningful split; RS_EUSAGE error if not. */
int rs_split_check(const rs_split_opts *o, rs_err *e);

/* Set test[row] to 1 for test rows and 0 for training rows (test has rt->n
 * entries).  Fails with RS_EUSAGE for options the table cannot serve (last
 * by time without timestamps), RS_EDATA for more than 2^32-1 rows. */
int rs_split(const rs_ratings *rt, const rs_split_opts *o, unsigned char *test, rs_err *e);

typedef struct rs_split_stats {
    size_t rows[2];      /* [0] train, [1] test */
    uint32_t users[2];   /* users with at least one train / test row */
} rs_split_stats;

void rs_split_stats_count(const rs_ratings *rt, const unsigned char *test, rs_split_stats *s);

#endif
