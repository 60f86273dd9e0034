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
 * weight).  A share id_dropout of the samples (chosen by a hash, so the
 * random streams stay BPR's) see their two items through the features
 * alone, as DropoutNet does, and train only those and the user: without
 * it the ids learn what the features could, and a cold item, which has
 * only features, is ranked by features that learnt little.  With no
 * features (or all weights 0) the
 * model is rs_bpr_fit's, bit for bit, for the same seed and threads.
 * Feature embeddings start uniform in [-0.5, 0.5) / k from a stream of
 * their own; ids without interactions (cold users and items) start and
 * stay at 0, so a cold item's vector is exactly what its features give.
 *
 * Threads: BPR's strata (each thread its own block of users and of items
 * in a sub-epoch); the feature embeddings, which every block touches, are
 * copied to each thread at the start of a sub-epoch and the copies
 * averaged at its end, in thread order, so the result depends on the seed
 * and the thread count, never on timing.
 *
 * The fitted model is an rs_mf of the summed vectors (scored as any
 * factor model: rs-recommend, rs-serve), kept with the feature
 * embeddings. */
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
    double id_dropout;      /* 0..1: share of samples trained on features alone */
} rs_hybrid_opts;

#define RS_HYBRID_ID_DROPOUT 0.0

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
