/* scorer.h: how any model turns a user into scores over the catalogue.
 *
 * A model is a bundle (fmt.h) that holds the training matrix (csr.h: the
 * id maps and each user's interactions, which rs-recommend excludes) plus
 * a "model" entry in meta and the model's own blocks:
 *
 *   model=svd|funk|als|bpr  factor models, all scored the same way:
 *       user_factors F32 [users x k], item_factors F32 [items x k],
 *       optional user_bias F32 [users], item_bias F32 [items],
 *       meta global_bias;  score(u,i) = P[u].Q[i] + bu[u] + bi[i] + g.
 *       (svd also keeps sigma F32 [k]; centering is expressed as biases.)
 *   model=knn-item   item_nbr_indptr U64 [items+1], item_nbr_indices U32,
 *       item_nbr_values F32: row j = the neighbours i of item j with sim(j,i);
 *       score(u,i) = sum over the user's items j of sim(j,i).
 *   model=knn-user   user_nbr_* likewise over users;
 *       score(u,i) = sum over neighbours v of u who have i of sim(u,v).
 *   model=w2v        w2v_in F32 [items x d], w2v_out F32 [items x d],
 *       w2v_count U64 [items] (0 = not in the vocabulary);
 *       score = softmax(mean of the user's known input vectors . w2v_out).
 *   model=popular    nothing more: score(i) = number of training users of i.
 *
 * Every kind implements the operations below in its own lib/score_<kind>.c
 * and registers itself in scorer.c; rs-recommend knows none of them.
 *
 * Threads: rs-recommend calls users(), history(), similar() and predict()
 * on one state from several threads at once, so after open() they must only
 * read the state (scratch memory is per call) and must not start BLAS
 * threads of their own beyond what rs_blas_threads() allows. */
#ifndef RS_SCORER_H
#define RS_SCORER_H
#include <stddef.h>
#include <stdint.h>
#include "format/csr.h"
#include "format/bundle.h"
#include "common/topk.h"

typedef struct rs_scorer rs_scorer;

typedef struct rs_scorer_ops {
    const char *name;                           /* meta model= value */
    /* Prepare from the bundle (views into it; the bundle outlives the state). */
    void *(*open)(const rs_bundle *b, const rs_csr *train, rs_err *e);
    void (*close)(void *state);
    /* Scores of users[0..nu) (known to the model) into out[nu x items].
     * A score may be NAN where the model has nothing to say about an item
     * (knn: no neighbour links it to the user); such items are not listed. */
    int (*users)(void *state, const uint32_t *users, size_t nu, float *out, rs_err *e);
    /* Scores for a user outside the model from a history (fold-in). */
    int (*history)(void *state, const uint32_t *items, const float *vals, size_t n,
                   float *out, rs_err *e);
    /* Similarity of every item to item j (NAN where undefined); NULL if the
     * kind has no notion of item similarity. */
    int (*similar)(void *state, uint32_t j, float *out, rs_err *e);
    /* Optional (NULL: the kind does not predict ratings).  Predicted rating
     * of n (user, item) pairs; users[k] / items[k] are dense indices, or -1
     * for an id the model does not know, which gets what the model knows
     * without it (factor models: global mean plus the known biases). */
    int (*predict)(void *state, const int64_t *users, const int64_t *items, size_t n,
                   float *out, rs_err *e);
    /* Optional: users() restricted to items [c0, c0 + nc), into out[nu x nc],
     * each score bit-identical to users()'s (for nu > 1): lets rs-recommend
     * select from cache-sized tiles instead of whole rows. */
    int (*users_cols)(void *state, const uint32_t *users, size_t nu, uint32_t c0, uint32_t nc,
                      float *out, rs_err *e);
    /* Optional: one user's top list, exactly what users() for her alone
     * and rs_rec_top_row(t, row, items, mask, nmask) give (items, score
     * bits, order), found without scoring every item where the kind can
     * bound the scores it skips (rs-serve's one-user queries).  *n: the
     * list's length; t holds it as rs_rec_top_row leaves it. */
    int (*user_top)(void *state, uint32_t user, const uint32_t *mask, size_t nmask, rs_topk *t,
                    size_t *n, rs_err *e);
} rs_scorer_ops;

/* Open the scorer for b's meta model= (or "popular" for a bare matrix). */
rs_scorer *rs_scorer_open(const rs_bundle *b, rs_err *e);
/* The same with the kind named by the caller (e.g. "popular" for any bundle
 * with a training matrix); kind NULL means b's meta model=. */
rs_scorer *rs_scorer_open_kind(const rs_bundle *b, const char *kind, rs_err *e);
/* A scorer over a state the caller made (e.g. a blend of scorers): ops->open
 * is not called, ops->close(state) is, by rs_scorer_close; kind is static
 * storage and train a view that outlives the scorer. */
rs_scorer *rs_scorer_wrap(const rs_scorer_ops *ops, const char *kind, void *state,
                          const rs_csr *train);
void rs_scorer_close(rs_scorer *s);
const char *rs_scorer_kind(const rs_scorer *s);
const rs_csr *rs_scorer_train(const rs_scorer *s);   /* users x items */
uint32_t rs_scorer_nitems(const rs_scorer *s);
int rs_scorer_users(rs_scorer *s, const uint32_t *users, size_t nu, float *out, rs_err *e);
/* users_cols when the kind has it (rs_scorer_can_users_cols), else an error. */
int rs_scorer_can_users_cols(const rs_scorer *s);
int rs_scorer_users_cols(rs_scorer *s, const uint32_t *users, size_t nu, uint32_t c0,
                         uint32_t nc, float *out, rs_err *e);
/* One user's top t->cap without the items mask[0..nmask): user_top when
 * the kind has it, else users() into row (items floats, or NULL: made
 * here) and
 * rs_rec_top_row; the same list either way, *n long.  Returns 0 or -1. */
int rs_scorer_user_top(rs_scorer *s, uint32_t user, const uint32_t *mask, size_t nmask,
                       rs_topk *t, float *row, size_t *n, rs_err *e);
int rs_scorer_history(rs_scorer *s, const uint32_t *items, const float *vals, size_t n,
                      float *out, rs_err *e);
int rs_scorer_similar(rs_scorer *s, uint32_t j, float *out, rs_err *e);
int rs_scorer_predict(rs_scorer *s, const int64_t *users, const int64_t *items, size_t n,
                      float *out, rs_err *e);
/* Whether the kind has the optional operations (so a program can refuse an
 * option before doing any work). */
int rs_scorer_can_similar(const rs_scorer *s);
int rs_scorer_can_predict(const rs_scorer *s);

#endif
