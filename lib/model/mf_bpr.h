/* mf_bpr.h: Bayesian personalized ranking (Rendle, Freudenthaler,
 * Gantner, Schmidt-Thieme 2009) by SGD, with the details of the `implicit`
 * library's BPR (implicit/cpu/bpr.pyx).
 *
 * score(u, i) = P[u].Q[i] + bi[i]: the item bias is `implicit`'s extra
 * factor column, whose user side is fixed at 1.  A sample is a training
 * entry (u, i) and a negative item j, drawn in proportion to count_j^X,
 * count_j the item's training entries and X = ns_exponent (mf.h's
 * rs_mf_noise): X = 1 is `implicit`'s sampler (the item of a random
 * entry), X = 0 uniform over the catalogue.  The default X = 0.75 is
 * word2vec's noise distribution (rs-w2v's default too), taken as it is,
 * not tuned: between the two, it questions the popular items less often
 * than `implicit` does and far more often than uniform sampling.  On
 * ml-100k (ratings >= 4, last 5 held out, k 64, 100 iterations, mean of
 * 16 seeds) NDCG@10 is 0.081 at X = 0, 0.090 at X = 1, 0.098 at 0.75,
 * the recommended items' mean training count 235, 114 and 145.
 * With verify (`implicit`'s verify_negative_samples), a j the user has is
 * not used: the sample is skipped; a j equal to i always is.  With
 * x = score(u, i) - score(u, j) and z = 1 / (1 + e^x):
 *   P[u] += lr (z (Q[i] - Q[j]) - reg P[u])
 *   Q[i] += lr (z P[u] - reg Q[i]),   Q[j] += lr (-z P[u] - reg Q[j])
 *   bi[i] += lr (z - reg bi[i]),      bi[j] += lr (-z - reg bi[j])
 * (all from the old values).  Factors and item biases start uniform in
 * [-0.5, 0.5) / k, those of users and items without interactions at 0.
 *
 * An iteration is nnz samples, as in `implicit`, but drawn user by user:
 * `implicit` draws each sample's entry uniformly from all nonzeros; here
 * the users are taken in a random order (new each iteration) and each user
 * u gets n_u samples, her n_u entries drawn uniformly with replacement.
 * Each entry has the same chance as in `implicit`; what changes is that a
 * user's samples come together, so her factors and her row stay in cache
 * (several times faster on a large matrix, and the same NDCG on ml-100k).
 *
 * Threads: with one, the users are dealt out in chunks of the random
 * order, each chunk drawing from its own random stream (made from the
 * seed, the iteration and the chunk).  With T > 1, as DSGD does for matrix
 * factorization: each iteration deals the items at random into T blocks,
 * cuts the users' random order into T blocks, and runs T sub-epochs; in
 * sub-epoch s thread t takes user block t with item block (t + s) mod T,
 * every entry of a user in that block being a sample, her positive drawn
 * from them and her negative from the noise within the block.  No two
 * threads write the same row at once (each block's item biases are
 * gathered into an array of their own for the iteration): `implicit`'s
 * Hogwild threads, which do, ran slower on two cores than one thread on
 * ML-20M here; these run 1.3 to 1.5 times faster than one, and ml-100k's
 * NDCG@10 is the same (0.099 with 2 threads, 0.098 with one, 6 seeds).  The result depends on the seed and
 * T, never on timing; with one thread it is that of every version before. */
#ifndef RS_MF_BPR_H
#define RS_MF_BPR_H
#include <stdint.h>
#include "format/csr.h"
#include "common/err.h"
#include "format/bundle.h"
#include "model/mf.h"
#include "model/early.h"
#include "common/progress.h"

typedef struct rs_bpr_opts {
    int k;                  /* factors, 1..min(users, items) */
    int iterations;         /* >= 0 */
    double lr, reg;         /* > 0, >= 0 */
    double ns_exponent;     /* negatives ~ count^ns_exponent, -100..100 */
    int verify;             /* skip negatives the user has */
    int loss;               /* RS_BPR_LOSS_BPR or RS_BPR_LOSS_WARP */
    int max_sampled;        /* warp: negatives tried per sample, >= 1 */
    uint64_t seed;
    int threads;            /* >= 1 */
    rs_progress *progress;  /* or NULL */
    /* Optional report after each iteration (1-based): the fraction of the
     * samples used that were already ranked right (z < 1/2), and of the
     * samples skipped. */
    void (*iteration_done)(void *ctx, int iteration, double correct, double skipped,
                           double seconds);
    void *ctx;
    /* Early stopping, as rs_als_opts says. */
    rs_validate_fn validate;
    void *vctx;
    int patience;
    int *best_iteration;
} rs_bpr_opts;

/* `implicit`'s defaults, but for k (50 like every rs-svd model) and the
 * negatives (count^0.75, not count^1). */
#define RS_BPR_ITERATIONS 100
#define RS_BPR_LR 0.01
#define RS_BPR_REG 0.01
#define RS_BPR_NS_EXPONENT 0.75
/* The loss: BPR's log-sigmoid of the pair, or WARP (Weston, Bengio,
 * Usunier 2011, as LightFM's loss='warp'): for a positive (u, i) the
 * negatives j are tried, the sample's own first, until one scores within
 * 1 of i (s_uj > s_ui - 1), at most max_sampled of them; the step is then
 * BPR's with z = min(10, log(max(1, floor((items - 1) / tries)))) (a
 * violator found at once means i ranks low: a large step), and with none
 * found, or z = 0 (a rank estimate of 1), there is no step at all, not even
 * the penalty's.  Tries after the first are drawn from
 * the same noise (and, threads > 1, the same block) by a hash of the
 * seed, the iteration, the user and the sample, so BPR's random streams
 * are unchanged; one that is i or (with verify) the user's counts as a
 * try, as in LightFM.  A try is a dot product of k floats with the user's
 * vector, which is computed once. */
#define RS_BPR_LOSS_BPR 0
#define RS_BPR_LOSS_WARP 1
#define RS_BPR_MAX_SAMPLED 10
/* The loss's name (rs-svd --loss, meta loss=, rs-serve's refit) and back;
 * -1 for a name that is neither. */
int rs_bpr_loss_parse(const char *s);
const char *rs_bpr_loss_name(int loss);

void rs_bpr_defaults(rs_bpr_opts *o);
int rs_bpr_fit(const rs_csr *a, const rs_bpr_opts *o, rs_mf *m, rs_err *e);
/* rs_mf_put as model=bpr, plus lr, reg, iterations and seed (the fold-in
 * runs the same SGD on the new user's vector alone), ns_exponent,
 * verify_negatives, and with warp loss=warp and max_sampled (BPR's
 * models, which do not have them, are as before). */
void rs_bpr_put(rs_mf *m, const rs_bpr_opts *o, rs_bundle *b);

#endif
