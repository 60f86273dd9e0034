/* score_factors.h: the scorer (scorer.h) of every factor model, as written
 * by rs-svd: model=svd|funk|als|bpr.
 *
 * Blocks read: user_factors F32 [users x k] (P), item_factors F32
 * [items x k] (Q), optional user_bias F32 [users] (bu), item_bias F32
 * [items] (bi); meta global_bias (g, default 0) and, optionally,
 * range=LO,HI (predict() clamps to it).
 *
 *   users():   score(u, i) = P[u].Q[i] + bu[u] + bi[i] + g, one SGEMM for
 *              the whole block of users.
 *   history(): fold-in of a user outside the model.  With r the user's row
 *              made dense (0 where she has no interaction), her vector p
 *              is the least-squares fit of Q p to r - bi - b - g, where b
 *              is her own bias: for model=svd with meta center=user, the
 *              mean of r over all items (as rs-svd centres), else 0.  For
 *              an SVD model Q'Q = S, so p = S^-1 Q'(r - ...), which gives
 *              a training user exactly her P[u] back.  The learned
 *              models (model=funk|als|bpr) fold in as they were trained
 *              instead (mf_foldin.h).
 *   similar(): cosine of item factors (NAN for an all-zero factor row).
 *   predict(): P[u].Q[i] + bu[u] + bi[i] + g, leaving out what belongs to
 *              an unknown user or item (index -1). */
#ifndef RS_SCORE_FACTORS_H
#define RS_SCORE_FACTORS_H
#include "score/scorer.h"

extern const rs_scorer_ops rs_score_factors_ops;

#endif
