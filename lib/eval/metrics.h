/* metrics.h: evaluation metrics as pure functions of one user's data.
 *
 * Top-N metrics take a user's ranked list as a hit vector: hit[p] is 1 when
 * the item at rank p+1 is relevant to the user (a repeated item is a hit at
 * most once: the caller marks only its first occurrence).  The list may be
 * shorter than the cutoff k (k >= 1).  nrel is the number of distinct
 * relevant items.  Functions whose value is undefined for the arguments
 * (nrel == 0, an empty list where a mean is taken) return NAN.
 *
 * The exact definitions, each with a worked example, are in man/rs-eval.1;
 * tests/unit/test_metrics.c checks every one against hand-computed values. */
#ifndef RS_METRICS_H
#define RS_METRICS_H
#include <stddef.h>
#include <stdint.h>

/* What AP@k is divided by. */
enum rs_ap_denom {
    RS_AP_MIN,          /* min(k, |relevant|): 1 for a perfect list (default) */
    RS_AP_K,            /* k: the reference notebooks' choice */
    RS_AP_RELEVANT      /* |relevant| */
};

/* 1 if any of the first k is a hit, else 0. */
double rs_hitrate_at(const unsigned char *hit, size_t n, size_t k);
/* Hits in the first k, over k (not over the list length). */
double rs_precision_at(const unsigned char *hit, size_t n, size_t k);
/* Hits in the first k, over nrel. */
double rs_recall_at(const unsigned char *hit, size_t n, size_t nrel, size_t k);
/* Sum of precision@p over hit positions p <= k, over the denominator. */
double rs_ap_at(const unsigned char *hit, size_t n, size_t nrel, size_t k,
                enum rs_ap_denom denom);
/* Binary-gain DCG@k (gain 1 over log2(p+1) at each hit position p) over the
 * ideal DCG, which has hits at positions 1..min(k, nrel). */
double rs_ndcg_at(const unsigned char *hit, size_t n, size_t nrel, size_t k);
/* 1/p for the first hit position p <= k, else 0. */
double rs_rr_at(const unsigned char *hit, size_t n, size_t k);

typedef struct rs_topn_metrics {
    double hitrate, precision, recall, ap, ndcg, rr;
} rs_topn_metrics;

/* All of the above in one pass. */
void rs_topn_metrics_at(const unsigned char *hit, size_t n, size_t nrel, size_t k,
                        enum rs_ap_denom denom, rs_topn_metrics *m);

/* Self-information of an item held by count of nusers training users:
 * -log2(max(count, 1) / nusers).  An item no training user has is
 * treated as if one had (the rarest possible item), so it stays finite. */
double rs_self_information(uint64_t count, uint64_t nusers);
/* Mean of info[0..min(n, k)): a user's novelty@k. */
double rs_novelty_at(const double *info, size_t n, size_t k);
/* ncovered / ncatalogue. */
double rs_coverage(uint64_t ncovered, uint64_t ncatalogue);

/* Beyond accuracy (man rs-eval, BEYOND ACCURACY). */

/* Cosine of two sets (ascending, distinct): |a and b| / sqrt(|a| |b|);
 * NAN when either is empty. */
double rs_cosine_sets(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
/* Cosine of two vectors; NAN when either is zero. */
double rs_cosine_f32(const float *a, const float *b, size_t k);
/* Intra-list diversity@k: the mean of dist[p*n+q] over the pairs
 * p < q < min(n, k) where it is not NAN (a repeated item, an item without
 * attributes); NAN when there is no such pair. */
double rs_ild_at(const double *dist, size_t n, size_t k);
/* Serendipity@k: the sum, over hit positions p < min(n, k), of
 * 1 - share[p], share[p] being the probability that the item at p is
 * recommended to any user. */
double rs_serendipity_at(const unsigned char *hit, const double *share, size_t n, size_t k);
/* Share of the first min(n, k) positions whose item is in the long tail
 * (tail[p] = 1); NAN for an empty list. */
double rs_longtail_at(const unsigned char *tail, size_t n, size_t k);
/* 1 - the mean cosine overlap of the pairs of nusers lists, given the sum
 * of the overlaps over all pairs; NAN under two users. */
double rs_personalization(double overlap_sum, uint64_t nusers);

/* Rating prediction.  pred[j] is the prediction for the pair whose true
 * rating is truth[j], NAN when there is none; such pairs are skipped. */
double rs_rmse(const double *pred, const double *truth, size_t n);
double rs_mae(const double *pred, const double *truth, size_t n);
/* DCG with LensKit's discount: sum of gain[p] / max(1, log2(p+1)), so ranks
 * 1 and 2 are both undiscounted. */
double rs_dcg_lenskit(const double *gain, size_t n);
/* The assignment's NDCG of one user (LensKit's topn.ndcg applied to the
 * user's test items ranked by prediction): the pairs with a prediction,
 * ranked by pred descending (ties in the given order), gain = truth, over
 * the ideal DCG of all n true ratings ranked by truth.  NAN when that ideal
 * is not positive. */
double rs_ndcg_rated(const double *pred, const double *truth, size_t n);

#endif
