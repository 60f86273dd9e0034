/* score_popular.h: the most-popular baseline as a scorer (scorer.h).
 *
 * score(u, i) = the number of distinct training users of item i, the same
 * for everybody; rs-recommend then drops each user's own items.  Used for
 * model=popular, for a bare matrix from rs-index, and for --popular on any
 * bundle that carries the training matrix. */
#ifndef RS_SCORE_POPULAR_H
#define RS_SCORE_POPULAR_H
#include "score/scorer.h"

extern const rs_scorer_ops rs_score_popular_ops;

#endif
