/* validate.h: a ranking metric of a factor model on held-out items, cheap
 * enough for every epoch of a trainer's early stopping (model/early.h).
 *
 * For each user with held-out items: the top k items by the model's score
 * (P[u].Q[i] + biases), the user's training items left out as
 * rs-recommend leaves them out, then NDCG@k or AP@k (divided by min(k,
 * relevant), rs-eval's default) of that list against the held-out items;
 * the mean over the users, as rs-eval counts it: a held-out item the
 * model does not know is relevant but never ranked, and a user it does
 * not know (no list) counts as 0. */
#ifndef RS_EVAL_VALIDATE_H
#define RS_EVAL_VALIDATE_H
#include <stdint.h>
#include "format/bundle.h"
#include "format/csr.h"
#include "model/early.h"

enum { RS_VALID_NDCG, RS_VALID_MAP };

typedef struct rs_heldout {
    uint32_t users;
    uint64_t *indptr;       /* users + 1 */
    uint32_t *items;
    uint32_t *unknown;      /* per user: held-out pairs with an unknown item */
    size_t zero_users;      /* users of the pairs the model does not know */
    const rs_csr *train;    /* what each user's lists leave out */
    int metric, k, threads;
} rs_heldout;

/* "ndcg@K" or "map@K" (K 1..10000) into metric and k; -1 otherwise. */
int rs_valid_metric_parse(const char *s, int *metric, int *k);
/* From pairs (u[x], i[x]) of dense indices, -1 for unknown (see above);
 * zero_users is left 0. */
void rs_heldout_build(rs_heldout *h, const int64_t *u, const int64_t *i, size_t n, const rs_csr *train);
void rs_heldout_free(rs_heldout *h);
/* FILE's pairs (canonical TSV) as dense indices of b's id maps, -1 for an
 * id b does not know; r their ratings, NULL when the file has none;
 * unknown_users the users of the file b does not know. */
typedef struct rs_valid_pairs {
    size_t n;
    int64_t *u, *i;
    float *r;
    size_t unknown_users;
} rs_valid_pairs;

int rs_valid_pairs_read(const char *path, const rs_bundle *b, rs_valid_pairs *p, rs_err *e);
void rs_valid_pairs_free(rs_valid_pairs *p);
/* Read FILE (canonical TSV; ratings ignored) as h, its users and items
 * mapped by b's id maps onto train's rows and columns.  Fails (RS_EDATA)
 * when no pair has a known user and item. */
int rs_heldout_read(const char *path, const rs_bundle *b, const rs_csr *train, rs_heldout *h, rs_err *e);
/* The mean metric (NAN when no user has a held-out item the model knows). */
double rs_heldout_score(const rs_heldout *h, const rs_mf_view *m);

#endif
