/* refit.h: fit a model again, of the same kind, on a training matrix.
 *
 * The options start as the model's meta records them (what rs-svd,
 * rs-knn or rs-w2v were run with), then any given as overrides, named by
 * their meta keys (k, epochs, reg, sim, vector_size, ...; w2v also takes
 * k for vector_size).  The fit is the trainer of lib/model/ that made the
 * model, so a refit with the options the model already has gives the same
 * model as running its program again (for the deterministic kinds: svd,
 * knn, and funk, bpr, w2v with one thread). */
#ifndef RS_SRV_REFIT_H
#define RS_SRV_REFIT_H
#include "format/bundle.h"
#include "model/knn.h"
#include "model/mf_als.h"
#include "model/mf_bpr.h"
#include "model/mf_funk.h"
#include "model/svd.h"
#include "model/w2v.h"
#include "serve/query.h"

typedef struct rs_srv_fit {
    const char *kind;           /* static: scorer kind name */
    rs_svd_opts svd;
    rs_funk_opts funk;
    rs_als_opts als;
    rs_bpr_opts bpr;
    rs_knn_opts knn;
    uint32_t knn_k;
    int knn_count;
    rs_w2v_opts w2v;
    int w2v_time;
    char desc[256];             /* the overrides, "k=50 seed=3" */
} rs_srv_fit;

/* Options for refitting model (kind as opened, meta from its bundle) on
 * a matrix of rows x cols, with threads.  Unknown keys and bad values are
 * RS_EUSAGE errors naming the key. */
int rs_srv_fit_prepare(const rs_bundle *model, const char *kind, const rs_srv_args *over,
                       uint32_t rows, uint32_t cols, int threads, rs_srv_fit *f, rs_err *e);
/* Fit on src's training matrix into out (empty on entry): out borrows
 * src's matrix and id-map blocks (keep src alive as long as out) and gets
 * the model's own blocks and meta. */
int rs_srv_fit_run(const rs_srv_fit *f, const rs_bundle *src, rs_bundle *out, rs_err *e);

#endif
