/* blend.h: several models of the same data as one scorer.
 *
 * A blend is an rs_scorer (scorer.h) whose scores combine its models'
 * scores, so everything built on scorers (model users, --user, --history
 * fold-in, --similar, threads) works on a blend unchanged.  Per query row:
 *
 *   RS_BLEND_SCORE   sum_k w_k z_k(i), z_k = (s_k(i) - mean_k) / sd_k, the
 *                    z-score of model k's row, mean and (population)
 *                    standard deviation over the row's finite scores (the
 *                    whole catalogue, the query's own items included);
 *                    sd 0 gives z 0.
 *   RS_BLEND_MINMAX  the same with (s - min) / (max - min) in [0, 1].
 *   RS_BLEND_RRF     reciprocal rank fusion: sum_k w_k / (K + r_k(i)), r_k
 *                    the rank (from 1) of i in model k's row over the whole
 *                    catalogue, ties to the smaller index (as in the lists).
 *
 * A NaN or infinite score (the model has nothing to say about the item)
 * counts as the lowest normalized score of that row (0 for rrf); an item
 * none of the weighted models scores stays NaN and is never listed.
 * Models of weight 0 are not scored at all; when a single model carries
 * all the weight the blend's rows are that model's rows, scores included.
 *
 * All models must describe the same data: the same items and users in the
 * same order (identical "items" and "users" blocks) and the same training
 * matrix (which the blend's masking of seen items uses).  A blend predicts
 * no ratings; it has item similarity when every weighted model has. */
#ifndef RS_BLEND_H
#define RS_BLEND_H
#include <stddef.h>
#include "format/bundle.h"
#include "score/scorer.h"

enum { RS_BLEND_SCORE, RS_BLEND_MINMAX, RS_BLEND_RRF };

#define RS_BLEND_RRF_K 60.0     /* Cormack, Clarke and Buettcher (2009) */

typedef struct rs_blend_opts {
    int method;                 /* RS_BLEND_* */
    const double *weights;      /* one per model, >= 0, not all 0; NULL = equal */
    double rrf_k;               /* K of rrf, > 0 */
} rs_blend_opts;

/* The method named name (score, minmax, rrf), or -1. */
int rs_blend_method(const char *name);

/* A scorer over the models of bundles b[0..n) (n >= 1), each opened by its
 * meta model=; labels[k] (e.g. file names) name them in errors.  The
 * bundles outlive the scorer.  Its kind is "blend". */
rs_scorer *rs_blend_open(const rs_bundle *const *b, const char *const *labels, size_t n,
                         const rs_blend_opts *o, rs_err *e);

#endif
