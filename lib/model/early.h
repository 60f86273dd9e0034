/* early.h: early stopping for the iterative trainers (FunkSVD, ALS, BPR,
 * item2vec): a validation metric after every epoch or iteration, a
 * patience, and a copy of the best epoch's model.
 *
 * The trainer does not know the metric: its caller supplies it (FunkSVD's
 * RMSE is the trainer's own; the ranking metrics of ALS, BPR and item2vec
 * are eval/'s, passed down from cmd/ as a function), so model/ needs
 * nothing from the layers above it. */
#ifndef RS_MODEL_EARLY_H
#define RS_MODEL_EARLY_H
#include <stddef.h>
#include <stdint.h>

/* A factor model as a trainer holds it between epochs: row r of P (Q) at
 * P + r * stride (stride >= k); bu, bi NULL when absent; scored as mf.h
 * says. */
typedef struct rs_mf_view {
    uint32_t users, items;
    int k;
    size_t stride;
    const float *P, *Q, *bu, *bi;
    double g;
} rs_mf_view;

/* A validation metric of such a model (the caller's: eval/validate.h). */
typedef double (*rs_validate_fn)(void *ctx, int epoch, const rs_mf_view *m);

typedef struct rs_early {
    int patience;           /* stop after this many epochs without a better metric; 0: never */
    int maximize;           /* larger is better (ranking metrics) */
    double best;
    int best_epoch;         /* 0 before the first */
    int bad;                /* epochs since the best */
    /* The best epoch's arrays, copied from the caller's (float blocks). */
    int narrays;
    float *keep[4];
    float *live[4];
    size_t len[4];
} rs_early;

void rs_early_init(rs_early *s, int patience, int maximize);
/* The arrays that make the model (up to 4; NULL ones are skipped): what
 * is copied at a best epoch and put back at the end. */
void rs_early_track(rs_early *s, float *a, size_t n);
/* After epoch ep with metric v: 1 when training should stop now. A NaN
 * metric is never the best. */
int rs_early_update(rs_early *s, int ep, double v);
/* Put the best epoch's arrays back when a later epoch was worse; returns
 * the epoch the model now is (the last one when nothing was kept). */
int rs_early_restore(rs_early *s, int last_epoch);
void rs_early_free(rs_early *s);

#endif
