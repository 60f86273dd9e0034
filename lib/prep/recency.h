/* recency.h: weighting each user's interactions by how recent they are.
 *
 * A user's next items are more like her last ones than her first ones
 * (on MovieLens with each user's last 5 held out, EASE on recency-weighted
 * values scores 6-10% higher NDCG@10 than on plain ones: examples/best-list).
 * Each interaction's value becomes
 *
 *     1 + A exp(-age / TAU)
 *
 * with age the interaction's place counting back from the user's latest
 * (0 for the latest), by timestamp, equal times and tables without
 * timestamps by input order (the later row is the later).  The rating the
 * input had is replaced. */
#ifndef RS_RECENCY_H
#define RS_RECENCY_H
#include "common/err.h"
#include "prep/ratings.h"

/* Parse "TAU,A" (TAU > 0, A >= 0) as the option opt gives it. */
int rs_recency_parse(const char *opt, const char *arg, double *tau, double *a, rs_err *e);
/* Replace every row's rating by its recency weight (the table gains a
 * rating column if it had none). */
void rs_recency_apply(rs_ratings *rt, double tau, double a);

#endif
