/* score_knn.h: the scorers (scorer.h) of the neighbour models written by
 * rs-knn: model=knn-item and model=knn-user.
 *
 * Blocks read: item_nbr_indptr U64 [items+1], item_nbr_indices U32,
 * item_nbr_values F32 (knn-item), or user_nbr_* over users (knn-user):
 * row q = q's neighbours, best first, with their similarities.  Meta read
 * (all optional): k, sim, weight, binary, bm25_k1, bm25_b (how the space
 * of knn.h was built, so history() and similar() measure alike) and, for
 * knn-user, score=sum|count.
 *
 * A score is NAN where the model has nothing to say (no neighbour links
 * the item to the user): rs-recommend never lists such an item, so a list
 * may be shorter than asked, as with implicit and the sklearn lesson.
 *
 * knn-item  users(): score(u,i) = sum over u's entries (j, v) of
 *               v sim(j,i), v = u's value (1 with binary) -- implicit's
 *               ItemItemRecommender: user_items . similarity.
 *           history(): the same from the history's (item, value) pairs.
 *           similar(): the model's similarity of item j to every item,
 *               computed exactly from the item columns (not only the k
 *               stored), so --similar can list more than k items; its
 *               first k are the model's row j.
 * knn-user  users(): score(u,i) = sum over neighbours v of u who have i
 *               of sim(u,v) (of 1 with score=count).
 *           history(): the new user's similarity to every training user
 *               (the model's measure over her row), her k best, then as
 *               users().  A history equal to a training user's row finds
 *               that user too (training users are never their own
 *               neighbours).
 *           similar(): none (no item similarity in a user model). */
#ifndef RS_SCORE_KNN_H
#define RS_SCORE_KNN_H
#include "score/scorer.h"

extern const rs_scorer_ops rs_score_knn_item_ops;
extern const rs_scorer_ops rs_score_knn_user_ops;
/* model=rp3 (model/rp3.h): W in the item_nbr_* blocks, scored as knn-item
 * (meta binary, k; no sim or weight), but similar() is the stored row j of
 * W alone (NAN elsewhere): W cannot be recomputed from the columns. */
extern const rs_scorer_ops rs_score_rp3_ops;

#endif
