/* rp3.h: RP3beta, the item-item model of a three-step random walk on the
 * user-item graph with a popularity penalty (Paudel, Christoffel, Newell,
 * Bernstein, "Updatable, accurate, diverse, and scalable recommendations
 * for interactive applications", 2017), computed as the reference
 * implementation of Dacrema et al. (RP3betaRecommender) computes it:
 *
 *   X      the users x items matrix (repeated (user, item) entries summed;
 *          all ones with binary), values >= 0;
 *   Pui    X with each user row divided by its sum (L1), then ^alpha;
 *   Piu    the binary items x users matrix with each item row divided by
 *          the item's degree d(i) (its number of users), then ^alpha;
 *   W      Piu Pui (items x items), column j times d(j)^-beta, the
 *          diagonal set to 0, each row kept to its k largest positive
 *          values (ties to the smaller index);
 *   score(u, i) = sum over u's entries (j, v) of v W[j][i].
 *
 * So W[i][j] = d(i)^-alpha d(j)^-beta sum over i's users u of
 * (X[u][j] / sum_j' X[u][j'])^alpha.  Each row of W is one sparse product
 * with a dense accumulator in double precision, the rows shared out on
 * threads; a row does not depend on which thread computes it, so neither
 * does the model.  The matrix is never formed. */
#ifndef RS_RP3_H
#define RS_RP3_H
#include <stdint.h>
#include "common/err.h"
#include "common/progress.h"
#include "format/bundle.h"
#include "format/csr.h"

typedef struct rs_rp3_opts {
    double alpha;           /* > 0: the walk's transition probabilities ^alpha */
    double beta;            /* >= 0: the popularity penalty d(j)^-beta */
    uint32_t k;             /* neighbours kept per item, >= 1 (capped at items - 1) */
    int binary;             /* every stored value counts as 1 */
    int threads;            /* >= 1 */
    rs_progress *progress;  /* or NULL */
} rs_rp3_opts;

#define RS_RP3_ALPHA 1.0
#define RS_RP3_BETA 0.6
#define RS_RP3_K 100

/* W of m (users x items) as above: out is items x items, row i holding
 * W[i][.]'s kept entries best first. */
int rs_rp3_weights(const rs_csr *m, const rs_rp3_opts *o, rs_csr *out, rs_err *e);

/* Fit on m and put the model into b (after rs_layout_start_model): W as
 * the item_nbr_indptr, _indices and _values blocks of a knn-item model
 * (knn_bundle.h), and the meta model=rp3, k, alpha, beta, binary. */
int rs_rp3_fit(const rs_csr *m, const rs_rp3_opts *o, rs_bundle *b, rs_err *e);

#endif
