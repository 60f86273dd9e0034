/* mf_foldin.h: the factors of a user outside the model, from her history,
 * for the learned factor models (model=funk|als|bpr), each fitted the way
 * its training fitted a user with the item side fixed:
 *
 *   als:  the weighted least-squares solve of mf_als.h, exactly:
 *         (alpha0 Q'Q + lam I + sum_j (c_j - 1) q_j q_j') p = sum_j c_j p_j q_j,
 *         c_j = 1 + alpha |r_j|, p_j = [r_j > 0], alpha0 the model's
 *         unobserved_weight (1 if absent), lam = reg (n + alpha0 items)^nu
 *         for her n interactions, nu the model's reg_exponent (0 if
 *         absent: lam = reg); no user bias.
 *   funk: the ridge regression of her ratings on the item factors, with
 *         her bias as one more unknown, over her n rated items only:
 *         min sum_j (r_j - g - bi_j - b - p.q_j)^2 + n (reg |p|^2 + reg_bias b^2)
 *         (the penalty SGD applies once per rating, as mf_funk.h).
 *   bpr:  iterations x n BPR steps of mf_bpr.h on p alone (items and their
 *         biases fixed): positives drawn from her history, negatives as
 *         the model drew them (not in her history when the model verified
 *         them), p starting uniform in [-0.5, 0.5) / k, all from a seed
 *         made of the model's seed and her history, so the same history
 *         always gets the same vector.
 *
 * Values are ratings (funk), confidences' r (als); NULL means all 1. */
#ifndef RS_MF_FOLDIN_H
#define RS_MF_FOLDIN_H
#include <stddef.h>
#include <stdint.h>
#include "format/csr.h"
#include "common/err.h"
#include "format/bundle.h"

typedef struct rs_foldin rs_foldin;

/* For the model in b (views of its item factors Q [items x k], item bias
 * bi or NULL, global bias g, training matrix train, which must outlive the
 * state): *out = the state, or NULL when b's model is not one of these
 * (model=svd: the scorer's own fold-in).  -1 on bad meta. */
int rs_foldin_open(const rs_bundle *b, const rs_csr *train, const float *Q, const float *bi,
                   double g, int k, rs_foldin **out, rs_err *e);
/* Her factors p [k] and bias *bu from n interactions.  Threads may call
 * it at once: what every user shares (als: Q'Q + reg I, from the model's
 * own reg) is made by the first call that needs it, under a lock, so a
 * model that is only asked about its own users never pays for it. */
int rs_foldin_user(const rs_foldin *f, const uint32_t *items, const float *vals, size_t n,
                   float *p, float *bu, rs_err *e);
void rs_foldin_close(rs_foldin *f);

/* Q'Q + ridge I of Q [items x k] in double precision (k x k, full,
 * malloc'd), accumulated from blocks of rows with DSYRK: in single
 * precision, with strongly penalised (hence tiny) factors, the sum loses
 * the small eigenvalues and the matrix stops being positive definite. */
double *rs_foldin_gram(const float *Q, uint32_t items, int k, double ridge);

#endif
