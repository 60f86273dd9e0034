/* validate.h: a ranking metric of a factor model on held-out items, cheap
 * enough for every epoch of a trainer's early stopping (model/early.h).
 *
 * For each user with held-out items: the top k items by the model's score
 * (P[u].Q[i] + biases), the user's training items left out as
 * rs-recommend leaves them out, then NDCG@k or AP@k (divided by min(k,
 * relevant), rs-eval's default) of that list against the held-out items;
 * the mean over those users.  Users and items the model does not know are
 * skipped (their items cannot be ranked). */
#ifndef RS_EVAL_VALIDATE_H
#define RS_EVAL_VALIDATE_H
#include <stdint.h>
#include "format/csr.h"
#include "model/early.h"

enum { RS_VALID_NDCG, RS_VALID_MAP };

typedef struct rs_heldout {
    uint32_t users;
    uint64_t *indptr;       /* users + 1 */
    uint32_t *items;
    const rs_csr *train;    /* what each user's lists leave out */
    int metric, k, threads;
} rs_heldout;

/* "ndcg@K" or "map@K" (K 1..10000) into metric and k; -1 otherwise. */
int rs_valid_metric_parse(const char *s, int *metric, int *k);
/* From pairs (u[x], i[x]) of dense indices, -1 for unknown (skipped). */
void rs_heldout_build(rs_heldout *h, const int64_t *u, const int64_t *i, size_t n, const rs_csr *train);
void rs_heldout_free(rs_heldout *h);
/* The mean metric (NAN when no user has a held-out item the model knows). */
double rs_heldout_score(const rs_heldout *h, const rs_mf_view *m);

#endif
