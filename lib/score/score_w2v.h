/* score_w2v.h: the scorer (scorer.h) of model=w2v, as written by rs-w2v.
 *
 * Blocks read: w2v_in F32 [items x d] (input vectors), w2v_out F32
 * [items x d] (output, negative-sampling vectors), w2v_count U64 [items]
 * (0 = outside the vocabulary); meta cbow_mean (default 1).
 *
 *   users(), history(): gensim's predict_output_word.  h = the mean (the
 *       sum when cbow_mean=0) of the input vectors of the user's items that
 *       are in the vocabulary, each occurrence counted; score(i) =
 *       exp(h . out[i]) / sum over the vocabulary of exp(h . out[j]), a
 *       probability.  Items outside the vocabulary, and every item for a
 *       user with no item in it, score NAN (rs-recommend lists none).
 *   similar(): cosine of the input vectors (NAN outside the vocabulary
 *       or for a zero vector). */
#ifndef RS_SCORE_W2V_H
#define RS_SCORE_W2V_H
#include "score/scorer.h"

extern const rs_scorer_ops rs_score_w2v_ops;

#endif
