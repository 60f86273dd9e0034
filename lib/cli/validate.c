#include <stdio.h>
#include "cli/validate.h"
#include "common/progress.h"

int rs_valid_run_start(rs_valid_run *r, const char *path, const rs_bundle *b, const rs_csr *train,
                       int metric, int k, int threads, rs_err *e)
{
    if (rs_heldout_read(path, b, train, &r->h, e) < 0) return -1;
    r->h.metric = metric;
    r->h.k = k;
    r->h.threads = threads;
    snprintf(r->name, sizeof r->name, "%s@%d", metric == RS_VALID_NDCG ? "ndcg" : "map", k);
    r->t0 = rs_now();
    return 0;
}

double rs_valid_run_score(void *ctx, int epoch, const rs_mf_view *m)
{
    rs_valid_run *r = ctx;
    double v = rs_heldout_score(&r->h, m), now = rs_now();
    if (r->curve) {
        if (epoch == 1) fprintf(r->curve, "epoch\tvalid_%s\tseconds\n", r->name);
        fprintf(r->curve, "%d\t%.6f\t%.4f\n", epoch, v, now - r->t0);
    }
    if (r->verbose || !r->curve) rs_warn("%s %d: validation %s %.6f", r->unit, epoch, r->name, v);
    r->t0 = now;
    return v;
}

void rs_valid_run_end(rs_valid_run *r, int patience, int best, int last, const char *option)
{
    rs_heldout_free(&r->h);
    if (patience && (r->verbose || best < last))
        rs_warn("kept %s %d (the best validation %s; %s %d)", r->unit, best, r->name, option, last);
}
