/* Every metric of lib/eval/metrics.h on small lists whose values are worked out
 * by hand in the comments (the same examples as man/rs-eval.1). */
#include "tap.h"
#include "eval/metrics.h"

#define TOL 1e-6

/* log2 values used below: 1/log2(3) = 0.630930, 1/log2(5) = 0.430677,
 * 1/log2(4) = 0.5, log2(3) = 1.584963. */

static void example_list(tap *t)
{
    /* List x a y b z for a user whose relevant items are {a, b, c}:
     * hits at ranks 2 and 4, |relevant| = 3. */
    const unsigned char hit[] = { 0, 1, 0, 1, 0 };
    size_t n = 5, nrel = 3;

    /* HitRate@k: any hit in the first k. */
    OK(t, rs_hitrate_at(hit, n, 1) == 0, "hitrate@1 = 0 (rank 1 misses)");
    OK(t, rs_hitrate_at(hit, n, 2) == 1, "hitrate@2 = 1");
    OK(t, rs_hitrate_at(hit, n, 5) == 1, "hitrate@5 = 1");

    /* Precision@k: hits in the first k over k (not over the list length). */
    NEAR(t, rs_precision_at(hit, n, 1), 0.0, TOL, "precision@1 = 0/1");
    NEAR(t, rs_precision_at(hit, n, 2), 0.5, TOL, "precision@2 = 1/2");
    NEAR(t, rs_precision_at(hit, n, 5), 0.4, TOL, "precision@5 = 2/5");
    NEAR(t, rs_precision_at(hit, n, 10), 0.2, TOL, "precision@10 = 2/10 (short list still divides by k)");

    /* Recall@k: hits in the first k over |relevant|. */
    NEAR(t, rs_recall_at(hit, n, nrel, 2), 1.0 / 3, TOL, "recall@2 = 1/3");
    NEAR(t, rs_recall_at(hit, n, nrel, 5), 2.0 / 3, TOL, "recall@5 = 2/3");
    NEAR(t, rs_recall_at(hit, n, nrel, 10), 2.0 / 3, TOL, "recall@10 = 2/3");

    /* AP@5: precision at the hit ranks, P@2 = 1/2 and P@4 = 2/4, sum 1;
     * over min(5, 3) = 3 -> 1/3, over k = 5 -> 0.2, over |rel| = 3 -> 1/3. */
    NEAR(t, rs_ap_at(hit, n, nrel, 5, RS_AP_MIN), 1.0 / 3, TOL, "AP@5 (min) = 1/3");
    NEAR(t, rs_ap_at(hit, n, nrel, 5, RS_AP_K), 0.2, TOL, "AP@5 (k) = 1/5");
    NEAR(t, rs_ap_at(hit, n, nrel, 5, RS_AP_RELEVANT), 1.0 / 3, TOL, "AP@5 (relevant) = 1/3");
    /* AP@2: only P@2 = 1/2 counts; min(2, 3) = 2 -> 0.25; k -> 0.25; |rel| -> 1/6. */
    NEAR(t, rs_ap_at(hit, n, nrel, 2, RS_AP_MIN), 0.25, TOL, "AP@2 (min) = 0.5/2");
    NEAR(t, rs_ap_at(hit, n, nrel, 2, RS_AP_K), 0.25, TOL, "AP@2 (k) = 0.5/2");
    NEAR(t, rs_ap_at(hit, n, nrel, 2, RS_AP_RELEVANT), 1.0 / 6, TOL, "AP@2 (relevant) = 0.5/3");
    /* AP@10: sum 1 over min(10, 3) = 3 or over 10. */
    NEAR(t, rs_ap_at(hit, n, nrel, 10, RS_AP_MIN), 1.0 / 3, TOL, "AP@10 (min) = 1/3");
    NEAR(t, rs_ap_at(hit, n, nrel, 10, RS_AP_K), 0.1, TOL, "AP@10 (k) = 1/10");

    /* NDCG@5: DCG = 1/log2(3) + 1/log2(5) = 0.630930 + 0.430677 = 1.061606;
     * ideal: 3 hits at ranks 1..3 = 1 + 0.630930 + 0.5 = 2.130930;
     * 1.061606 / 2.130930 = 0.498189. */
    NEAR(t, rs_ndcg_at(hit, n, nrel, 5), 0.498189, TOL, "NDCG@5 = 0.498189");
    /* NDCG@2: 0.630930 / (1 + 0.630930) = 0.386853 (ideal over min(2, 3) = 2). */
    NEAR(t, rs_ndcg_at(hit, n, nrel, 2), 0.386853, TOL, "NDCG@2 = 0.386853");
    NEAR(t, rs_ndcg_at(hit, n, nrel, 1), 0.0, TOL, "NDCG@1 = 0");

    /* RR@k: 1 / rank of the first hit within k. */
    NEAR(t, rs_rr_at(hit, n, 1), 0.0, TOL, "RR@1 = 0");
    NEAR(t, rs_rr_at(hit, n, 2), 0.5, TOL, "RR@2 = 1/2");
    NEAR(t, rs_rr_at(hit, n, 5), 0.5, TOL, "RR@5 = 1/2");

    rs_topn_metrics m;
    rs_topn_metrics_at(hit, n, nrel, 5, RS_AP_K, &m);
    OK(t, m.hitrate == 1 && fabs(m.precision - 0.4) < TOL && fabs(m.recall - 2.0 / 3) < TOL
          && fabs(m.ap - 0.2) < TOL && fabs(m.ndcg - 0.498189) < TOL && fabs(m.rr - 0.5) < TOL,
       "rs_topn_metrics_at@5 agrees with the single functions");
}

static void perfect_and_empty(tap *t)
{
    /* A perfect list of the 3 relevant items: every metric is 1 at k = 3;
     * at k = 5 precision is 3/5, AP (min) still (1 + 1 + 1)/min(5, 3) = 1,
     * AP (k) 3/5, NDCG 1 (the ideal has min(5, 3) = 3 hits too). */
    const unsigned char all[] = { 1, 1, 1 };
    rs_topn_metrics m;
    rs_topn_metrics_at(all, 3, 3, 3, RS_AP_MIN, &m);
    OK(t, m.hitrate == 1 && m.precision == 1 && m.recall == 1 && m.ap == 1
          && fabs(m.ndcg - 1) < 1e-12 && m.rr == 1, "perfect list: all 1 at k = 3");
    NEAR(t, rs_precision_at(all, 3, 5), 0.6, TOL, "perfect list: precision@5 = 3/5");
    NEAR(t, rs_ap_at(all, 3, 3, 5, RS_AP_MIN), 1.0, TOL, "perfect list: AP@5 (min) = 1");
    NEAR(t, rs_ap_at(all, 3, 3, 5, RS_AP_K), 0.6, TOL, "perfect list: AP@5 (k) = 3/5");
    NEAR(t, rs_ndcg_at(all, 3, 3, 5), 1.0, TOL, "perfect list: NDCG@5 = 1");

    /* No list at all (a test user without recommendations): zeros. */
    rs_topn_metrics_at(NULL, 0, 2, 10, RS_AP_MIN, &m);
    OK(t, m.hitrate == 0 && m.precision == 0 && m.recall == 0 && m.ap == 0
          && m.ndcg == 0 && m.rr == 0, "empty list: all zeros");

    /* Nothing relevant: recall, AP and NDCG are undefined. */
    const unsigned char none[] = { 0, 0 };
    OK(t, isnan(rs_recall_at(none, 2, 0, 2)), "recall with no relevant item is NAN");
    OK(t, isnan(rs_ap_at(none, 2, 0, 2, RS_AP_MIN)), "AP (min) with no relevant item is NAN");
    OK(t, isnan(rs_ndcg_at(none, 2, 0, 2)), "NDCG with no relevant item is NAN");
}

static void novelty_coverage(tap *t)
{
    /* 8 training users: an item 2 of them have: -log2(2/8) = 2; all 8: 0;
     * none: counted as 1 user, -log2(1/8) = 3. */
    NEAR(t, rs_self_information(2, 8), 2.0, TOL, "self-information 2 of 8 users = 2 bits");
    NEAR(t, rs_self_information(8, 8), 0.0, TOL, "self-information 8 of 8 users = 0 bits");
    NEAR(t, rs_self_information(0, 8), 3.0, TOL, "unseen item: as if 1 of 8 users = 3 bits");
    OK(t, isnan(rs_self_information(1, 0)), "no training users: NAN");

    /* Novelty@k: mean over the first k: {0, 1, 2, 3} -> @2 = 0.5, @10 = 1.5. */
    const double info[] = { 0, 1, 2, 3 };
    NEAR(t, rs_novelty_at(info, 4, 2), 0.5, TOL, "novelty@2 = (0 + 1)/2");
    NEAR(t, rs_novelty_at(info, 4, 10), 1.5, TOL, "novelty@10 = (0 + 1 + 2 + 3)/4");
    OK(t, isnan(rs_novelty_at(info, 0, 10)), "novelty of an empty list is NAN");

    /* Coverage: 3 distinct recommended items of a catalogue of 12. */
    NEAR(t, rs_coverage(3, 12), 0.25, TOL, "coverage = 3/12");
    OK(t, isnan(rs_coverage(0, 0)), "coverage of an empty catalogue is NAN");
}

static void rated(tap *t)
{
    /* Predictions 3.5 4.5 4 (and none) for true ratings 5 3 4 (2):
     * errors -1.5 1.5 0; RMSE = sqrt((2.25 + 2.25 + 0)/3) = sqrt(1.5)
     * = 1.224745; MAE = (1.5 + 1.5 + 0)/3 = 1.  The pair without a
     * prediction is left out. */
    const double pred[] = { 3.5, 4.5, 4, NAN }, truth[] = { 5, 3, 4, 2 };
    NEAR(t, rs_rmse(pred, truth, 4), 1.224745, TOL, "RMSE = sqrt(1.5)");
    NEAR(t, rs_mae(pred, truth, 4), 1.0, TOL, "MAE = 1");
    const double nopred[] = { NAN, NAN };
    OK(t, isnan(rs_rmse(nopred, truth, 2)) && isnan(rs_mae(nopred, truth, 2)),
       "RMSE/MAE without any prediction are NAN");

    /* LensKit's DCG divides by max(1, log2 rank): ranks 1 and 2 count fully.
     * Gains 3 4 5: 3/1 + 4/1 + 5/log2(3) = 7 + 3.154649 = 10.154649. */
    const double g[] = { 3, 4, 5 };
    NEAR(t, rs_dcg_lenskit(g, 3), 10.154649, TOL, "LensKit DCG of 3 4 5");

    /* Ranked by prediction: 4.5 (true 3), 4 (true 4), 3.5 (true 5):
     * DCG = 10.154649 (above); ideal 5 4 3 = 5 + 4 + 3/1.584963 = 10.892789;
     * NDCG = 0.932236. */
    NEAR(t, rs_ndcg_rated(pred, truth, 3), 0.932236, TOL, "rated NDCG = 0.932236");

    /* A missing prediction is not ranked but stays in the ideal:
     * pred (none) 4 3, truth 5 2 4 -> ranked truths 2 4, DCG = 2 + 4 = 6;
     * ideal 5 4 2 = 9 + 2/1.584963 = 10.261860; NDCG = 0.584689. */
    const double p2[] = { NAN, 4, 3 }, t2[] = { 5, 2, 4 };
    NEAR(t, rs_ndcg_rated(p2, t2, 3), 0.584689, TOL, "rated NDCG with a missing prediction");

    /* Tied predictions keep the given order: pred 5 4 4, truth 1 2 5 ->
     * 1 2 5: DCG = 3 + 5/1.584963 = 6.154649; ideal 5 2 1 = 7.630930;
     * NDCG = 0.806540 (the other order would give 0.951635). */
    const double p3[] = { 5, 4, 4 }, t3[] = { 1, 2, 5 };
    NEAR(t, rs_ndcg_rated(p3, t3, 3), 0.806540, TOL, "rated NDCG: ties in input order");

    const double z[] = { 0, 0 }, pz[] = { 1, 2 };
    OK(t, isnan(rs_ndcg_rated(pz, z, 2)), "rated NDCG with an ideal DCG of 0 is NAN");
}

static void beyond(tap *t)
{
    /* Sets {1, 2} and {2, 5}: one shared of sqrt(2 * 2): cosine 1/2. */
    const uint32_t a[] = { 1, 2 }, b[] = { 2, 5 }, c[] = { 1 };
    NEAR(t, rs_cosine_sets(a, 2, b, 2), 0.5, TOL, "set cosine {1,2} {2,5} = 1/2");
    NEAR(t, rs_cosine_sets(a, 2, c, 1), 0.707107, TOL, "set cosine {1,2} {1} = 1/sqrt 2");
    OK(t, isnan(rs_cosine_sets(a, 2, c, 0)), "set cosine with an empty set is NAN");

    /* Vectors (1, 0) (1, 1): 1/sqrt 2; a zero vector: NAN. */
    const float u[] = { 1, 0 }, v[] = { 1, 1 }, z[] = { 0, 0 };
    NEAR(t, rs_cosine_f32(u, v, 2), 0.707107, TOL, "vector cosine = 1/sqrt 2");
    OK(t, isnan(rs_cosine_f32(u, z, 2)), "vector cosine with a zero vector is NAN");

    /* ILD over 3 positions, distances d01 = 0.2, d02 = 0.4, d12 = NAN (an
     * item without attributes): @3 = (0.2 + 0.4)/2 = 0.3, @2 = 0.2, @1
     * has no pair. */
    const double d[] = { NAN, 0.2, 0.4,  NAN, NAN, NAN,  NAN, NAN, NAN };
    NEAR(t, rs_ild_at(d, 3, 3), 0.3, TOL, "ILD@3 skips the NAN pair");
    NEAR(t, rs_ild_at(d, 3, 2), 0.2, TOL, "ILD@2 = d01");
    OK(t, isnan(rs_ild_at(d, 3, 1)), "ILD@1: no pair, NAN");

    /* Serendipity: hits at 0 and 2 with shares 1 and 1/4, a miss with 0:
     * @3 = (1 - 1) + (1 - 1/4) = 0.75; @1 = 0. */
    const unsigned char hit[] = { 1, 0, 1 };
    const double share[] = { 1, 0, 0.25 };
    NEAR(t, rs_serendipity_at(hit, share, 3, 3), 0.75, TOL, "serendipity@3 = 0.75");
    NEAR(t, rs_serendipity_at(hit, share, 3, 1), 0.0, TOL, "serendipity@1 = 0");

    /* Long tail: tail flags 0 1 1 -> @3 = 2/3, @1 = 0, empty NAN. */
    const unsigned char tail[] = { 0, 1, 1 };
    NEAR(t, rs_longtail_at(tail, 3, 3), 2.0 / 3, TOL, "longtail@3 = 2/3");
    NEAR(t, rs_longtail_at(tail, 3, 1), 0.0, TOL, "longtail@1 = 0");
    OK(t, isnan(rs_longtail_at(tail, 0, 3)), "longtail of an empty list is NAN");

    /* Personalization: 3 users, overlaps summing to 2 over 3 pairs -> 1/3. */
    NEAR(t, rs_personalization(2, 3), 1.0 / 3, TOL, "personalization = 1 - 2/3");
    OK(t, isnan(rs_personalization(0, 1)), "personalization of one user is NAN");
}

int main(void)
{
    tap t = { 0 };
    example_list(&t);
    perfect_and_empty(&t);
    novelty_coverage(&t);
    rated(&t);
    beyond(&t);
    return tap_done(&t);
}
