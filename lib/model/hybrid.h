/* hybrid.h: a hybrid factor model in the LightFM family (Kula 2015,
 * "Metadata embeddings for user and item cold-start recommendations"):
 * BPR (mf_bpr.h) where a user's vector is the sum of the embedding of her
 * id and those of her features, and an item's vector and bias the sums of
 * those of its id and its features:
 *
 *   p_u = U[u] + sum_f w_uf F_U[f]     q_i = V[i] + sum_f w_if F_I[f]
 *   b_i = bi[i] + sum_f w_if c[f]      score(u, i) = p_u . q_i + b_i
 *
 * w the feature weights of the matrix's ufeat_* / ifeat_* blocks
 * (format/featblock.h), each row scaled to sum to 1 (a row summing to 0
 * has no features).  Training is BPR's, sample for sample: the same
 * users, positives and negatives from the same random streams, and each
 * step's gradient, taken at the summed vectors, goes to the id embedding
 * and to each feature's embedding times its weight, with the penalty
 * reg on each parameter changed (on a feature's, in proportion to its
 * weight).  With no features (or all weights 0) the model is
 * rs_bpr_fit's, bit for bit, for the same seed and threads.
 *
 * In those steps the ids learn what the features could, and a cold item,
 * which has only features, is ranked by features that learnt little
 * (ml-100k's cold-item NDCG@10 0.176, below popularity within genre).  So
 * a share id_dropout of the samples (chosen by a hash, so that BPR's random
 * streams stay as they are) also get a features-only step, as DropoutNet
 * (Volkovs 2017) drops the ids: the positive and a negative of its own
 * (~ count^feature_ns_exponent: by default -0.5, items with few ratings
 * more often) seen through their features alone, against the
 * user's summed vector, which that step does not move; it trains an item
 * feature table of its own (FI, BI: the one a cold item is made of) and
 * the user features, at feature_lr and feature_reg, while BPR's steps
 * train the table added to a warm item's id (FW, BW).  Tuned on a
 * cold-items validation split carved from the training data (ml-100k and
 * ml-latest-small, k 32, 50 iterations, three carves): one table trained
 * in both steps made the warm lists worse than BPR's, or the cold ones
 * worse than the content-only KNN's; id_dropout 1, feature_lr 0.05,
 * feature_reg 0 (a penalty hurt the cold lists), feature_ns_exponent -0.5
 * (0 lost to the KNN on ml-latest-small, -1 on ml-100k) did neither
 * (examples/cold-start/validate.sh).
 * After training FI and BI are put on the warm scores' scale (the
 * least-squares line over training entries and random items, see
 * calibrate in hybrid.c), or cold items outrank every warm one, or none.
 * With id_dropout 0 there is one table, LightFM's model.  Feature
 * embeddings start uniform in [-0.5, 0.5) / k from a stream of their own;
 * ids without interactions (cold users and items) start and stay at 0, so
 * a cold item's vector is exactly what its features give (FI, BI).
 *
 * Threads: BPR's strata (each thread its own block of users and of items
 * in a sub-epoch); the feature tables, which every block touches, are
 * copied to each thread at the start of a sub-epoch and the copies
 * averaged at its end, in thread order, so the result depends on the seed
 * and the thread count, never on timing.
 *
 * The fitted model is an rs_mf of the summed vectors (scored as any
 * factor model: rs-recommend, rs-serve), kept with FI, BI and the user
 * feature embeddings.  A features-only step costs about a BPR step.
 *
 * With bpr.loss WARP (mf_bpr.h) both steps search for a violating
 * negative, the id step among BPR's negatives (the sample's own, then
 * hashed draws from its noise and block), the features-only step among
 * feature_negative's (one hash per try); each try sums the negative's
 * vector.  On the validation carves WARP made the warm lists better and
 * ml-100k's cold ones worse at every setting tried
 * (examples/cold-start/README.md), so BPR's loss stays the default. */
#ifndef RS_HYBRID_H
#define RS_HYBRID_H
#include <stdint.h>
#include "common/err.h"
#include "format/bundle.h"
#include "format/csr.h"
#include "model/mf.h"
#include "model/mf_bpr.h"

typedef struct rs_hybrid_opts {
    rs_bpr_opts bpr;        /* k, iterations, lr, reg, negatives, seed, threads, ... */
    double id_dropout;      /* 0..1: share of samples with a features-only step too */
    double feature_ns_exponent; /* their negatives ~ count^X, -100..100 (mf.h's rs_mf_noise) */
    double feature_lr;      /* the features-only steps': > 0, or 0: bpr.lr */
    double feature_reg;     /* >= 0, or < 0: bpr.reg */
} rs_hybrid_opts;

#define RS_HYBRID_ID_DROPOUT 1.0
#define RS_HYBRID_FEATURE_NS_EXPONENT -0.5
#define RS_HYBRID_FEATURE_REG 0.0
#define RS_HYBRID_FEATURE_LR 0.05

/* The defaults (bpr's from rs_bpr_defaults, those below). */
void rs_hybrid_defaults(rs_hybrid_opts *o);

typedef struct rs_hybrid {
    rs_mf mf;               /* the summed vectors: P, Q, bi */
    uint32_t nif, nuf;      /* item and user features */
    float *IF, *Ib, *UF;    /* nif x k, nif, nuf x k (NULL when none) */
} rs_hybrid;

/* a the users x items matrix; ifeat (items x features) and ufeat (users x
 * features) or NULL (format/featblock.h's views). */
int rs_hybrid_fit(const rs_csr *a, const rs_csr *ifeat, const rs_csr *ufeat,
                  const rs_hybrid_opts *o, rs_hybrid *h, rs_err *e);
/* As rs_bpr_put, as model=hybrid, plus the feature embeddings (ifeat_factors,
 * ifeat_bias, ufeat_factors) and the meta item_features, user_features
 * (their counts).  h is emptied. */
void rs_hybrid_put(rs_hybrid *h, const rs_hybrid_opts *o, rs_bundle *b);
void rs_hybrid_free(rs_hybrid *h);

#endif
