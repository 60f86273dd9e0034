/* score_ease.h: EASE (model/ease.h) as a scorer (scorer.h).
 *
 * score(u, j) = sum over u's items i of x[u][i] B[i][j], with x as the
 * model was fitted on (values, or 1 with meta binary=1; repeats summed),
 * from the block ease_weights (F32, items x items).  A new user's history
 * is scored the same way, and the items most like item j are row j of B. */
#ifndef RS_SCORE_EASE_H
#define RS_SCORE_EASE_H
#include "score/scorer.h"

extern const rs_scorer_ops rs_score_ease_ops;

#endif
