#include <math.h>
#include <stdio.h>
#include <string.h>
#include "model/bpr_sgd.h"
#include "common/parallel.h"
#include "common/progress.h"
#include "model/diverge.h"

int rs_bprs_check(const rs_bpr_opts *o, rs_err *e)
{
    if (o->iterations < 0) return rs_errf(e, RS_EUSAGE, "--iterations must be >= 0");
    if (!(o->lr > 0) || !isfinite(o->lr)) return rs_errf(e, RS_EUSAGE, "--lr must be > 0");
    if (!(o->reg >= 0) || !isfinite(o->reg)) return rs_errf(e, RS_EUSAGE, "--reg must be >= 0");
    if (!isfinite(o->ns_exponent) || fabs(o->ns_exponent) > 100)
        return rs_errf(e, RS_EUSAGE, "--ns-exponent must be in -100..100");
    if (o->threads < 1) return rs_errf(e, RS_EUSAGE, "threads must be >= 1");
    if (o->loss != RS_BPR_LOSS_BPR && o->loss != RS_BPR_LOSS_WARP)
        return rs_errf(e, RS_EUSAGE, "--loss must be bpr or warp");
    if (o->loss == RS_BPR_LOSS_WARP && (o->max_sampled < 1 || o->max_sampled > 1000000))
        return rs_errf(e, RS_EUSAGE, "--max-sampled must be in 1..1000000");
    return 0;
}

float *rs_bprs_falloc(size_t n)
{
    size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
    if (!bytes) bytes = 64;
    float *p = aligned_alloc(64, bytes);
    if (p) memset(p, 0, bytes);
    return p;
}

/* Rows already sorted by column (rs-index keeps the input order, and
 * MovieLens files come sorted) need no sorted copy. */
static int rows_sorted(const rs_csr *a)
{
    for (uint32_t u = 0; u < a->rows; u++)
        for (uint64_t x = a->indptr[u] + 1; x < a->indptr[u + 1]; x++)
            if (a->indices[x - 1] > a->indices[x]) return 0;
    return 1;
}

/* As `implicit`: uniform in [-0.5, 0.5) / k, 0 for users and items without
 * interactions (rows are stride floats, the padding 0). */
static void init_factors(const rs_csr *a, int k, size_t stride, rs_rng *rng, float *U, float *V,
                         float *bi)
{
    uint64_t *icount = rs_xcalloc((size_t)a->cols + 1, sizeof *icount);
    for (uint64_t x = 0; x < a->nnz; x++) icount[a->indices[x]]++;
    for (uint32_t u = 0; u < a->rows; u++) {
        float *row = U + (size_t)u * stride;
        int empty = a->indptr[u] == a->indptr[u + 1];
        for (size_t f = 0; f < stride; f++) {
            float v = (float)((rs_rng_double(rng) - 0.5) / k);
            row[f] = f < (size_t)k && !empty ? v : 0;
        }
    }
    for (uint32_t i = 0; i < a->cols; i++) {
        float *row = V + (size_t)i * stride;
        for (size_t f = 0; f < stride; f++) {
            float v = (float)((rs_rng_double(rng) - 0.5) / k);
            row[f] = f < (size_t)k && icount[i] ? v : 0;
        }
        float v = (float)((rs_rng_double(rng) - 0.5) / k);
        bi[i] = icount[i] ? v : 0;
    }
    free(icount);
}

static void strata_clear(rs_bprs *B)
{
    for (int b = 0; b < B->strata; b++) {
        free(B->sts[b].items);
        free(B->sts[b].bias);
        free(B->sts[b].noise);
        B->sts[b] = (rs_bprs_stratum){ 0 };
    }
}

/* Deal the items into the blocks at random: each block gets its items,
 * their biases (from bi) and the noise over them. */
static void strata_deal(rs_bprs *B)
{
    strata_clear(B);
    for (uint32_t i = 0; i < B->items; i++) {
        B->block[i] = (unsigned char)rs_rng_below(&B->rng, (uint64_t)B->strata);
        B->sts[B->block[i]].n++;
    }
    for (int b = 0; b < B->strata; b++) {
        rs_bprs_stratum *st = &B->sts[b];
        st->items = rs_xmalloc(((size_t)st->n + 1) * sizeof *st->items);
        st->bias = rs_xmalloc(((size_t)st->n + 1) * sizeof *st->bias);
        uint32_t n = 0;
        for (uint32_t i = 0; i < B->items; i++)
            if (B->block[i] == b) {
                B->bw[n] = B->weight[i];
                st->bias[n] = B->bi[i];
                B->local[i] = n;
                st->items[n++] = i;
            }
        st->noise = rs_alias_new(B->bw, n);
    }
}

/* The blocks' biases back into bi. */
static void strata_gather(rs_bprs *B)
{
    for (int b = 0; b < B->strata; b++)
        for (uint32_t n = 0; n < B->sts[b].n; n++) B->bi[B->sts[b].items[n]] = B->sts[b].bias[n];
}

int rs_bprs_init(rs_bprs *B, const rs_csr *a, const rs_bpr_opts *o, rs_err *e)
{
    memset(B, 0, sizeof *B);
    const int k = o->k;
    /* Rows of whole cache lines: a row costs as few line fills as it can. */
    size_t stride = ((size_t)k + 15) / 16 * 16;
    float *U = rs_bprs_falloc((size_t)a->rows * stride), *V = rs_bprs_falloc((size_t)a->cols * stride);
    float *bi = rs_bprs_falloc(a->cols);
    if (!U || !V || !bi) {
        free(U);
        free(V);
        free(bi);
        return rs_errf(e, RS_EDATA, "out of memory for %u x %d factors", a->rows + a->cols, k);
    }
    rs_rng_seed(&B->rng, o->seed);
    init_factors(a, k, stride, &B->rng, U, V, bi);
    const rs_csr *sorted = a;
    if (!rows_sorted(a)) {
        rs_csr view = *a;
        view.times = NULL;
        rs_csr_sorted_copy(&view, &B->copy);
        sorted = &B->copy;
    }
    B->perm = rs_xmalloc(((size_t)a->rows + 1) * sizeof *B->perm);
    for (uint32_t u = 0; u < a->rows; u++) B->perm[u] = u;
    /* More threads than blocks can tell apart, or than users, gain nothing. */
    int nstrata = o->threads < 256 ? o->threads : 255;
    if ((uint32_t)nstrata > a->rows) nstrata = (int)a->rows;
    if ((uint32_t)nstrata > a->cols) nstrata = (int)a->cols;
    /* One thread draws from one table over all items; threads from one
     * table per block, made each iteration from the weights. */
    B->strata = nstrata;
    if (nstrata > 1) {
        B->block = rs_xmalloc((size_t)a->cols + 1);
        B->sts = rs_xcalloc((size_t)nstrata, sizeof *B->sts);
        B->weight = rs_mf_noise_weights(a, o->ns_exponent);
        B->bw = rs_xmalloc(((size_t)a->cols + 1) * sizeof *B->bw);
        B->local = rs_xmalloc(((size_t)a->cols + 1) * sizeof *B->local);
    } else {
        B->noise = rs_mf_noise(a, o->ns_exponent);
    }
    for (uint32_t u = 0; u < a->rows; u++)
        if (a->indptr[u + 1] - a->indptr[u] > B->maxrow) B->maxrow = (uint32_t)(a->indptr[u + 1] - a->indptr[u]);
    B->o = o;
    B->indptr = sorted->indptr;
    B->indices = sorted->indices;
    B->users = a->rows;
    B->items = a->cols;
    B->nnz = a->nnz;
    B->U = U;
    B->V = V;
    B->bi = bi;
    B->stride = stride;
    B->k = k;
    return 0;
}

void rs_bprs_free(rs_bprs *B)
{
    if (B->sts) strata_clear(B);
    free(B->block);
    free(B->sts);
    free(B->weight);
    free(B->bw);
    free(B->local);
    free(B->noise);
    free(B->perm);
    if (B->copy.indptr) rs_csr_free(&B->copy);
    free(B->U);
    free(B->V);
    free(B->bi);
    memset(B, 0, sizeof *B);
}

void rs_bprs_add(rs_bprs *B, const rs_bprs_tally *c)
{
    atomic_fetch_add(&B->correct, c->correct);
    atomic_fetch_add(&B->skipped, c->skipped);
    atomic_fetch_add(&B->used, c->used);
}

/* One iteration: a new order of the users (and new blocks), then every
 * user's samples. */
static int iterate(rs_bprs *B, const rs_bprs_hooks *h, void *ctx, int it, rs_err *e)
{
    rs_rng_shuffle_u32(&B->rng, B->perm, B->users);
    B->iteration = (uint64_t)it;
    atomic_store(&B->next, 0);
    atomic_store(&B->correct, 0);
    atomic_store(&B->skipped, 0);
    atomic_store(&B->used, 0);
    if (B->strata <= 1) return rs_parallel_for(1, 1, h->worker, ctx, e);
    strata_deal(B);
    int rc = 0;
    for (B->sub = 0; B->sub < B->strata && rc == 0; B->sub++) {
        if (h->sub_begin) h->sub_begin(ctx);
        rc = rs_parallel_for(B->strata, (size_t)B->strata, h->strata_worker, ctx, e);
        if (h->sub_end) h->sub_end(ctx);
    }
    strata_gather(B);
    return rc;
}

int rs_bprs_diverged(const rs_bprs *B, const char *model, int it, const char *name,
                     const float *x, size_t n, size_t stride, rs_err *e)
{
    char step[32], hint[256];
    snprintf(step, sizeof step, "iteration %d", it);
    if (B->hint) snprintf(hint, sizeof hint, "%s", B->hint);
    else snprintf(hint, sizeof hint, "the learning rate (--lr %g) is too large, or the regularization "
                  "(--reg %g) too weak; try --lr %g", B->o->lr, B->o->reg, RS_BPR_LR);
    return rs_diverged_f32(model, step, name, x, n, stride, hint, e);
}

/* Steps too long overflow the factors to inf, then NaN: stop at the
 * iteration it happened.  Rows are stride floats (the padding is 0). */
static int finite_after(const rs_bprs *B, const char *model, int it, rs_err *e)
{
    size_t st = B->stride;
    if (rs_bprs_diverged(B, model, it, "a user factor", B->U, B->users * st, st, e) < 0 ||
        rs_bprs_diverged(B, model, it, "an item factor", B->V, B->items * st, st, e) < 0 ||
        rs_bprs_diverged(B, model, it, "an item bias", B->bi, B->items, 1, e) < 0)
        return -1;
    return 0;
}

int rs_bprs_train(rs_bprs *B, const char *model, const rs_bprs_hooks *h, void *ctx,
                  const rs_mf_view *view, rs_err *e)
{
    const rs_bpr_opts *o = B->o;
    int rc = 0, it, stop = 0, early_on = view && o->validate;
    rs_early early;
    rs_early_init(&early, early_on ? o->patience : 0, 1);
    rs_early_track(&early, B->U, (size_t)B->users * B->stride);
    rs_early_track(&early, B->V, (size_t)B->items * B->stride);
    rs_early_track(&early, B->bi, B->items);
    for (it = 1; it <= o->iterations && rc == 0 && !stop; it++) {
        double t0 = rs_now();
        rc = iterate(B, h, ctx, it, e);
        if (rc == 0) rc = finite_after(B, model, it, e);
        if (rc == 0 && h->finite) rc = h->finite(ctx, it, e);
        if (rc == 0 && o->iteration_done) {
            uint64_t used = atomic_load(&B->used);
            o->iteration_done(o->ctx, it, used ? (double)atomic_load(&B->correct) / (double)used : NAN,
                              (double)atomic_load(&B->skipped) / (double)B->nnz, rs_now() - t0);
        }
        if (rc == 0 && early_on) stop = rs_early_update(&early, it, o->validate(o->vctx, it, view));
        if (o->progress) rs_progress_update(o->progress, (uint64_t)it, (uint64_t)o->iterations, "iterations");
    }
    if (rc == 0 && view && o->best_iteration) *o->best_iteration = rs_early_restore(&early, it - 1);
    rs_early_free(&early);
    return rc;
}

void rs_bprs_put_meta(const rs_bpr_opts *o, rs_bundle *b)
{
    rs_mf_meta_double(b, "lr", o->lr);
    rs_mf_meta_double(b, "reg", o->reg);
    rs_mf_meta_u64(b, "iterations", (uint64_t)o->iterations);
    rs_mf_meta_u64(b, "seed", o->seed);
    rs_mf_meta_double(b, "ns_exponent", o->ns_exponent);
    rs_meta_set(b, "verify_negatives", o->verify ? "1" : "0");
    if (o->loss == RS_BPR_LOSS_WARP) {
        rs_meta_set(b, "loss", rs_bpr_loss_name(o->loss));
        rs_mf_meta_u64(b, "max_sampled", (uint64_t)o->max_sampled);
    }
}
