/* mf_funk.h: biased matrix factorization of explicit ratings by SGD
 * ("FunkSVD"; the algorithm of Surprise's SVD).
 *
 * Model: r(u, i) ~ g + bu[u] + bi[i] + P[u].Q[i], g the mean training
 * rating.  It minimizes, over the training ratings,
 *   sum (r - pred)^2 + reg (|P[u]|^2 + |Q[i]|^2) + reg_bias (bu[u]^2 + bi[i]^2)
 * by plain SGD, one step per rating, exactly Surprise's update: with
 * err = r - pred,
 *   bu += lr_bias (err - reg_bias bu),   bi += lr_bias (err - reg_bias bi),
 *   P[u] += lr (err Q[i] - reg P[u]),    Q[i] += lr (err P[u] - reg Q[i])
 * (both factor steps from the old values).  Biases start at 0, factors at
 * N(0, init_std^2), but those of users and items without ratings at 0
 * (they never change, so those predict with their biases alone).
 *
 * The default init_std is 0.05, not Surprise's 0.1: the steps hardly
 * shrink the factors of a user or item with few ratings, so what they
 * start with stays in her predictions as noise, and a smaller start
 * helps.  Rating-level 5-fold RMSE, -k 100 --epochs 20 --lr 0.005
 * --reg 0.02, mean of 3 splits x 4 seeds: ml-100k 0.9359 at 0.1 (what
 * Surprise's own loop gives), 0.9270 at 0.05; ml-latest-small 0.874 and
 * 0.865.  (Order of the steps, by contrast, does not matter: a fresh
 * order of all ratings each epoch, or Surprise's fixed user-by-user
 * order, give the same 0.936 at 0.1.)
 *
 * Order of the steps: Surprise walks the ratings user by user, in a fixed
 * order (that of its shuffled input).  Here each user's ratings are
 * shuffled once, and the order of the users is reshuffled every epoch; a
 * user's steps stay together, which keeps P[u] in cache.  (LensKit's
 * FunkSVD differs: it trains one feature at a time over all ratings, with
 * fixed damped-mean biases.)
 *
 * Threads: with threads T > 1 each epoch runs as DSGD does (Gemulla et
 * al. 2011): the items are dealt at random, in runs of 16 ids (a cache
 * line of biases), into T blocks with about the same number of ratings,
 * the epoch's order of the users is cut into T slices of about the same
 * number of ratings, and the epoch into T sub-epochs in which thread t
 * takes its slice's ratings of item block (t + s) mod T, so that no two
 * threads ever write the same row, bias or cache line.  The result depends
 * on the seed and T, not on timing; T = 1 is the plain pass above (one
 * block), the same for the same seed everywhere.  (Lock-free Hogwild
 * threads, before, passed the popular items' rows and the item biases'
 * cache lines back and forth: two of them spent 1.2 to 2.9 times the CPU
 * of one thread on the same epochs, depending on the run; the blocks cost
 * 1.1 to 1.3 times, what two independent runs cost each other on the same
 * two cores.)  threads is at most 1024. */
#ifndef RS_MF_FUNK_H
#define RS_MF_FUNK_H
#include <stdint.h>
#include "format/csr.h"
#include "common/err.h"
#include "format/bundle.h"
#include "model/mf.h"
#include "common/progress.h"

typedef struct rs_funk_opts {
    int k;                  /* factors, 1..min(users, items) */
    int epochs;             /* >= 0 */
    double lr, reg;         /* factor step (> 0) and L2 weight (>= 0) */
    double lr_bias, reg_bias;   /* the same for the biases */
    double init_std;        /* >= 0 */
    int clamp;              /* predictions clamped to [lo, hi] (lo < hi) */
    double lo, hi;
    uint64_t seed;
    int threads;            /* >= 1 */
    rs_progress *progress;  /* or NULL */
    /* Optional report after each epoch (1-based): the RMSE over the
     * training ratings, and over the validation ratings when vn > 0
     * (NAN otherwise), predictions made as the model predicts them
     * (clamped; unknown users or items get what is known: vu/vi -1). */
    void (*epoch_done)(void *ctx, int epoch, double train_rmse, double valid_rmse,
                       double seconds);
    void *ctx;
    const int64_t *vu, *vi;
    const float *vr;
    size_t vn;
    /* Early stopping (model/early.h) on the validation RMSE (vn > 0):
     * stop after patience epochs without a lower one and keep the best
     * epoch's model; 0: run every epoch.  *best_epoch (when not NULL) is
     * set to the epoch the fitted model is from. */
    int patience;
    int *best_epoch;
} rs_funk_opts;

/* Surprise's defaults, but for k (100 there, 50 here like every rs-svd
 * model) and init_std (0.1 there, see above). */
#define RS_FUNK_EPOCHS 20
#define RS_FUNK_LR 0.005
#define RS_FUNK_REG 0.02
#define RS_FUNK_INIT_STD 0.05

void rs_funk_defaults(rs_funk_opts *o);
/* Fit on a's ratings (values; duplicates are separate ratings).  Bad
 * options are RS_EUSAGE errors. */
int rs_funk_fit(const rs_csr *a, const rs_funk_opts *o, rs_mf *m, rs_err *e);
/* rs_mf_put as model=funk, plus the meta of the fold-in (mf_foldin.h):
 * reg, reg_bias, and range=LO,HI when clamped; and epochs, lr, lr_bias,
 * init_std, seed. */
void rs_funk_put(rs_mf *m, const rs_funk_opts *o, rs_bundle *b);

#endif
