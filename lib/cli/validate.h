/* cli/validate.h: --validate, --patience and --curve of the trainers that
 * stop early on a ranking metric (rs-svd -a als and bpr, rs-w2v): the
 * held-out pairs (eval/validate.h), the metric after each epoch to the
 * --curve TSV and to stderr, and the epoch kept. */
#ifndef RS_CLI_VALIDATE_H
#define RS_CLI_VALIDATE_H
#include <stdio.h>
#include "common/err.h"
#include "eval/validate.h"

typedef struct rs_valid_run {
    rs_heldout h;
    char name[32];          /* "ndcg@10" */
    const char *unit;       /* "iteration" or "epoch": the messages' word */
    FILE *curve;            /* --curve: one TSV row per epoch, or NULL */
    int verbose;            /* a message per epoch even with a curve */
    double t0;
} rs_valid_run;

/* Read path's pairs onto train (rs_heldout_read), metric at k on threads;
 * unit, curve and verbose as the caller set them. */
int rs_valid_run_start(rs_valid_run *r, const char *path, const rs_bundle *b, const rs_csr *train,
                       int metric, int k, int threads, rs_err *e);
/* An rs_validate_fn (model/early.h), ctx an rs_valid_run. */
double rs_valid_run_score(void *ctx, int epoch, const rs_mf_view *m);
/* With patience, say which epoch was kept (when verbose, or when it is not
 * the last; option the count's option: "--epochs"); then free r. */
void rs_valid_run_end(rs_valid_run *r, int patience, int best, int last, const char *option);

#endif
