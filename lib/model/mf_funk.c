#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/mf_funk.h"
#include "common/parallel.h"
#include "model/diverge.h"
#include "model/early.h"
#include "common/rng.h"

typedef struct entry { uint32_t i; float r; } entry;

#define RMSE_BLOCK 1024
#define AHEAD 4

/* Threads > 1 run each epoch as DSGD does (Gemulla et al. 2011; LIBMF's
 * blocks): the items are dealt into T blocks of about nnz / T ratings each
 * (fixed for the fit; item_blocks), the users of the epoch's order cut
 * into T slices of about nnz / T ratings, and the epoch into T sub-epochs;
 * in sub-epoch s thread t takes its slice's ratings of item block
 * (t + s) mod T.  No two threads then write the same Q row, item bias or
 * user row, and as items go to blocks in runs of 16 ids on cache-line
 * boundaries, no two threads write the same cache line of Q or bi either.
 * (Hogwild threads, which wrote whatever item came next, passed the
 * popular items' lines and the bias array's lines back and forth: more
 * CPU time per rating with 2 threads than with 1, and epochs slower than
 * -j 1's whenever both ran at once.)  Each row's ratings are partitioned
 * by block once (stably: within a block the shuffled order stays), so a
 * user's share of a block is one run, its bounds kept by by_block.  With one
 * thread there is one block and the epoch is the plain user-by-user pass. */
typedef struct fit {
    const rs_funk_opts *o;
    const uint64_t *indptr;
    const entry *ent;
    const uint32_t *perm;   /* this epoch's order of the users */
    uint32_t users;
    rs_mf *m;
    float g;
    int T;                  /* threads = user slices = item blocks */
    int sub;                /* this sub-epoch */
    const uint64_t *split;  /* user u's block b starts at split[u (T - 1) + b - 1] */
    uint32_t *ucut;         /* this epoch's slice t is perm[ucut[t] .. ucut[t + 1]) */
    atomic_size_t next;
    double *sse;            /* per RMSE_BLOCK of users, for the report */
} fit;

void rs_funk_defaults(rs_funk_opts *o)
{
    memset(o, 0, sizeof *o);
    o->k = 50;
    o->epochs = RS_FUNK_EPOCHS;
    o->lr = o->lr_bias = RS_FUNK_LR;
    o->reg = o->reg_bias = RS_FUNK_REG;
    o->init_std = RS_FUNK_INIT_STD;
    o->lo = 0;
    o->hi = 0;
    o->seed = 42;
    o->threads = 1;
}

/* One SGD step on both factor rows, from their old values. */
static inline void step(float *restrict p, float *restrict q, int k, float err, float lr, float reg)
{
    int f = 0;
    for (; f + 4 <= k; f += 4) {
        rs_mf_v4 pf = rs_mf_ld(p + f), qf = rs_mf_ld(q + f);
        rs_mf_st(p + f, pf + lr * (err * qf - reg * pf));
        rs_mf_st(q + f, qf + lr * (err * pf - reg * qf));
    }
    for (; f < k; f++) {
        float pf = p[f], qf = q[f];
        p[f] = pf + lr * (err * qf - reg * pf);
        q[f] = qf + lr * (err * pf - reg * qf);
    }
}

/* Thread t's cell of the sub-epoch: its users, their ratings of one block. */
static int cell_worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    fit *F = arg;
    const rs_funk_opts *o = F->o;
    rs_mf *m = F->m;
    const int k = m->k;
    const float lr = (float)o->lr, reg = (float)o->reg;
    const float lrb = (float)o->lr_bias, regb = (float)o->reg_bias, g = F->g;
    float *bi = m->bi;
    const entry *ent = F->ent;
    const int b = (t + F->sub) % F->T;
    for (uint32_t c = F->ucut[t]; c < F->ucut[t + 1]; c++) {
        uint32_t u = F->perm[c];
        uint64_t x0 = F->indptr[u], x1 = F->indptr[u + 1];
        if (F->T > 1) {
            const uint64_t *sp = F->split + (size_t)u * (F->T - 1);
            if (b > 0) x0 = sp[b - 1];
            if (b < F->T - 1) x1 = sp[b];
        }
        /* The next users are scattered too: their row bounds and factors
         * on the way one and two users ahead. */
        if (c + 2 < F->ucut[t + 1]) {
            uint32_t u2 = F->perm[c + 2];
            __builtin_prefetch(F->indptr + u2);
            if (F->T > 1) __builtin_prefetch(F->split + (size_t)u2 * (F->T - 1));
        }
        if (c + 1 < F->ucut[t + 1]) {
            uint32_t u1 = F->perm[c + 1];
            const char *p1 = (const char *)(m->P + (size_t)u1 * k);
            for (size_t off = 0; off < (size_t)k * sizeof(float); off += 64) __builtin_prefetch(p1 + off, 1);
            __builtin_prefetch(m->bu + u1, 1);
            __builtin_prefetch(ent + F->indptr[u1]);
        }
        if (x0 == x1) continue;
        float *p = m->P + (size_t)u * k, bu = m->bu[u];
        for (uint64_t x = x0; x < x1; x++) {
            /* The item rows of a user's next ratings are scattered:
             * ask for them a few steps ahead. */
            if (x + AHEAD < x1) {
                const char *next = (const char *)(m->Q + (size_t)ent[x + AHEAD].i * k);
                for (size_t off = 0; off < (size_t)k * sizeof(float); off += 64)
                    __builtin_prefetch(next + off, 1, 3);
            }
            uint32_t i = ent[x].i;
            float *q = m->Q + (size_t)i * k;
            float err = ent[x].r - (g + bu + bi[i] + rs_mf_dot(p, q, k));
            bu += lrb * (err - regb * bu);
            bi[i] += lrb * (err - regb * bi[i]);
            step(p, q, k, err, lr, reg);
        }
        m->bu[u] = bu;
    }
    return 0;
}

/* Cut positions 0 = cut[0] <= ... <= cut[T] = n of the weights w[order[x]]
 * (order NULL: w[x]) so that each part holds about a T-th of their sum. */
static void cut_even(const uint64_t *w, const uint32_t *order, uint32_t n, int T, uint64_t total,
                     uint32_t *cut)
{
    uint64_t acc = 0;
    int b = 1;
    cut[0] = 0;
    for (uint32_t x = 0; x < n && b < T; x++) {
        acc += w[order ? order[x] : x];
        while (b < T && acc * (uint64_t)T >= total * (uint64_t)b) cut[b++] = x + 1;
    }
    while (b <= T) cut[b++] = n;
}

static double predict(const rs_mf *m, const rs_funk_opts *o, int64_t u, int64_t i)
{
    double s = m->g;
    if (u >= 0) s += m->bu[u];
    if (i >= 0) s += m->bi[i];
    if (u >= 0 && i >= 0)
        s += rs_mf_dot(m->P + (size_t)u * m->k, m->Q + (size_t)i * m->k, m->k);
    if (o->clamp) s = s < o->lo ? o->lo : s > o->hi ? o->hi : s;
    return s;
}

static int sse_worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    fit *F = arg;
    size_t blocks = (F->users + RMSE_BLOCK - 1) / RMSE_BLOCK;
    for (;;) {
        size_t b = atomic_fetch_add(&F->next, 1);
        if (b >= blocks) break;
        double s = 0;
        uint32_t u1 = (uint32_t)((b + 1) * RMSE_BLOCK < F->users ? (b + 1) * RMSE_BLOCK : F->users);
        for (uint32_t u = (uint32_t)(b * RMSE_BLOCK); u < u1; u++)
            for (uint64_t x = F->indptr[u]; x < F->indptr[u + 1]; x++) {
                double d = F->ent[x].r - predict(F->m, F->o, u, F->ent[x].i);
                s += d * d;
            }
        F->sse[b] = s;
    }
    return 0;
}

/* Each item's block: runs of 16 consecutive ids (one cache line of item
 * biases, 16 whole rows of factors on the lines' starts: rs_mf_alloc)
 * dealt at random, then cut into T parts of about nnz / T ratings.  At
 * random rather than by id ranges, so that no block is made of alike items
 * where ids follow age or popularity (on the synthetic ML-20M file both
 * gave the same RMSE curve).  Drawn from a stream of its own: the one
 * thread's order stays that of the seed. */
static uint16_t *item_blocks(const uint64_t *icount, uint32_t cols, uint64_t nnz, int T,
                             uint64_t seed)
{
    uint32_t runs = (cols + 15) / 16;
    uint64_t *w = rs_xcalloc((size_t)runs + 1, sizeof *w);
    uint32_t *order = rs_xmalloc(((size_t)runs + 1) * sizeof *order);
    uint32_t *cut = rs_xmalloc(((size_t)T + 1) * sizeof *cut);
    for (uint32_t i = 0; i < cols; i++) w[i / 16] += icount[i];
    for (uint32_t r = 0; r < runs; r++) order[r] = r;
    rs_rng rng;
    rs_rng_seed2(&rng, seed, 1);
    rs_rng_shuffle_u32(&rng, order, runs);
    cut_even(w, order, runs, T, nnz, cut);
    uint16_t *blk = rs_xmalloc(((size_t)cols + 16) * sizeof *blk);
    for (int b = 0; b < T; b++)
        for (uint32_t x = cut[b]; x < cut[b + 1]; x++)
            for (uint32_t i = order[x] * 16; i < order[x] * 16 + 16; i++) blk[i] = (uint16_t)b;
    free(cut);
    free(order);
    free(w);
    return blk;
}

/* Each row's ratings in block order, stably (the row's shuffle stays
 * within a block), and where each block but the first starts: users x
 * (T - 1) positions in ent, so a thread finds its share of a row with one
 * look-up (a binary search for it in the row, instead, missed the cache a
 * few times per user: 17% of the threads' time). */
static uint64_t *by_block(const rs_csr *a, entry *ent, const uint16_t *blk, int T)
{
    uint64_t *split = rs_xmalloc(((size_t)a->rows * (T - 1) + 1) * sizeof *split);
    uint64_t most = 0;
    for (uint32_t u = 0; u < a->rows; u++)
        if (a->indptr[u + 1] - a->indptr[u] > most) most = a->indptr[u + 1] - a->indptr[u];
    entry *tmp = rs_xmalloc((most + 1) * sizeof *tmp);
    uint64_t *at = rs_xmalloc(((size_t)T + 1) * sizeof *at);
    for (uint32_t u = 0; u < a->rows; u++) {
        uint64_t x0 = a->indptr[u], n = a->indptr[u + 1] - x0;
        memset(at, 0, ((size_t)T + 1) * sizeof *at);
        for (uint64_t x = 0; x < n; x++) at[blk[ent[x0 + x].i] + 1]++;
        for (int b = 0; b < T; b++) at[b + 1] += at[b];
        for (int b = 1; b < T; b++) split[(size_t)u * (T - 1) + b - 1] = x0 + at[b];
        for (uint64_t x = 0; x < n; x++) tmp[at[blk[ent[x0 + x].i]]++] = ent[x0 + x];
        memcpy(ent + x0, tmp, n * sizeof *tmp);
    }
    free(at);
    free(tmp);
    return split;
}

static int check(const rs_csr *a, const rs_funk_opts *o, rs_err *e)
{
    if (o->epochs < 0) return rs_errf(e, RS_EUSAGE, "--epochs must be >= 0");
    if (!(o->lr > 0) || !(o->lr_bias > 0))
        return rs_errf(e, RS_EUSAGE, "--lr and --lr-bias must be > 0");
    if (!(o->reg >= 0) || !(o->reg_bias >= 0))
        return rs_errf(e, RS_EUSAGE, "--reg and --reg-bias must be >= 0");
    if (!(o->init_std >= 0)) return rs_errf(e, RS_EUSAGE, "--init-std must be >= 0");
    if (o->clamp && !(o->lo < o->hi))
        return rs_errf(e, RS_EUSAGE, "--range LO,HI needs LO < HI");
    if (o->threads < 1 || o->threads > 1024) return rs_errf(e, RS_EUSAGE, "threads must be 1..1024");
    return rs_mf_check(a, o->k, e);
}

/* An SGD step too long for the ratings overflows to inf, then NaN: stop
 * at the epoch it happened, naming the step size, not at the end. */
static int finite_after(const rs_mf *m, const rs_funk_opts *o, int ep, rs_err *e)
{
    char step[32], hint[256];
    snprintf(step, sizeof step, "epoch %d", ep);
    snprintf(hint, sizeof hint, "the learning rate (--lr %g, --lr-bias %g) is too large for these "
             "ratings, or the regularization (--reg %g) too weak; try --lr 0.005",
             o->lr, o->lr_bias, o->reg);
    size_t k = (size_t)m->k;
    if (rs_diverged_f32("FunkSVD", step, "a user factor", m->P, m->users * k, k, hint, e) < 0 ||
        rs_diverged_f32("FunkSVD", step, "an item factor", m->Q, m->items * k, k, hint, e) < 0 ||
        rs_diverged_f32("FunkSVD", step, "a user bias", m->bu, m->bu ? m->users : 0, 1, hint, e) < 0 ||
        rs_diverged_f32("FunkSVD", step, "an item bias", m->bi, m->bi ? m->items : 0, 1, hint, e) < 0)
        return -1;
    return 0;
}

int rs_funk_fit(const rs_csr *a, const rs_funk_opts *o, rs_mf *m, rs_err *e)
{
    if (check(a, o, e) < 0) return -1;
    const int k = o->k;
    rs_rng rng;
    rs_rng_seed(&rng, o->seed);
    rs_mf_alloc(m, a->rows, a->cols, k, 1, 1);
    double sum = 0;
    for (uint64_t x = 0; x < a->nnz; x++) sum += a->values[x];
    m->g = sum / (double)a->nnz;
    for (size_t x = 0; x < (size_t)a->rows * k; x++) m->P[x] = (float)(o->init_std * rs_rng_normal(&rng));
    for (size_t x = 0; x < (size_t)a->cols * k; x++) m->Q[x] = (float)(o->init_std * rs_rng_normal(&rng));
    /* A user or item without ratings (a matrix indexed with more ids than
     * it has rows for) learns nothing: its random factors would only add
     * noise to its predictions, which are its biases then. */
    uint64_t *icount = rs_xcalloc((size_t)a->cols + 1, sizeof *icount);
    uint64_t *ucount = rs_xmalloc(((size_t)a->rows + 1) * sizeof *ucount);
    for (uint64_t x = 0; x < a->nnz; x++) icount[a->indices[x]]++;
    for (uint32_t u = 0; u < a->rows; u++) ucount[u] = a->indptr[u + 1] - a->indptr[u];
    for (uint32_t i = 0; i < a->cols; i++)
        if (!icount[i]) memset(m->Q + (size_t)i * k, 0, (size_t)k * sizeof *m->Q);
    for (uint32_t u = 0; u < a->rows; u++)
        if (!ucount[u]) memset(m->P + (size_t)u * k, 0, (size_t)k * sizeof *m->P);

    /* Each user's ratings, shuffled once (Fisher-Yates within the row). */
    entry *ent = rs_xmalloc(a->nnz * sizeof *ent);
    for (uint32_t u = 0; u < a->rows; u++) {
        uint64_t x0 = a->indptr[u], n = a->indptr[u + 1] - x0;
        for (uint64_t x = 0; x < n; x++) ent[x0 + x] = (entry){ a->indices[x0 + x], a->values[x0 + x] };
        for (uint64_t x = n; x > 1; x--) {
            uint64_t y = rs_rng_below(&rng, x);
            entry tmp = ent[x0 + x - 1];
            ent[x0 + x - 1] = ent[x0 + y];
            ent[x0 + y] = tmp;
        }
    }
    const int T = o->threads;
    uint32_t *ucut = rs_xmalloc(((size_t)T + 1) * sizeof *ucut);
    uint16_t *blk = T > 1 ? item_blocks(icount, a->cols, a->nnz, T, o->seed) : NULL;
    uint64_t *split = T > 1 ? by_block(a, ent, blk, T) : NULL;
    free(blk);
    free(icount);
    uint32_t *perm = rs_xmalloc(((size_t)a->rows + 1) * sizeof *perm);
    for (uint32_t u = 0; u < a->rows; u++) perm[u] = u;
    size_t blocks = ((size_t)a->rows + RMSE_BLOCK - 1) / RMSE_BLOCK;
    fit F = { .o = o, .indptr = a->indptr, .ent = ent, .perm = perm, .users = a->rows, .m = m,
              .g = (float)m->g, .T = T, .split = split, .ucut = ucut };
    F.sse = rs_xcalloc(blocks + 1, sizeof *F.sse);
    int rc = 0, ep, stop = 0;
    rs_early early;
    rs_early_init(&early, o->vn ? o->patience : 0, 0);
    rs_early_track(&early, m->P, (size_t)a->rows * k);
    rs_early_track(&early, m->Q, (size_t)a->cols * k);
    rs_early_track(&early, m->bu, a->rows);
    rs_early_track(&early, m->bi, a->cols);
    for (ep = 1; ep <= o->epochs && rc == 0 && !stop; ep++) {
        double t0 = rs_now();
        rs_rng_shuffle_u32(&rng, perm, a->rows);
        cut_even(ucount, perm, a->rows, T, a->nnz, ucut);
        for (F.sub = 0; F.sub < T && rc == 0; F.sub++)
            rc = rs_parallel_for(T, (size_t)T, cell_worker, &F, e);
        if (rc == 0) rc = finite_after(m, o, ep, e);
        double secs = rs_now() - t0;
        if (rc == 0 && early.patience > 0 && !o->epoch_done) {
            double v = 0;
            for (size_t x = 0; x < o->vn; x++) {
                double d = o->vr[x] - predict(m, o, o->vu[x], o->vi[x]);
                v += d * d;
            }
            stop = rs_early_update(&early, ep, sqrt(v / (double)o->vn));
        }
        if (rc == 0 && o->epoch_done) {
            atomic_store(&F.next, 0);
            rc = rs_parallel_for(o->threads, (size_t)o->threads, sse_worker, &F, e);
            double s = 0, v = 0;
            for (size_t b = 0; b < blocks; b++) s += F.sse[b];
            for (size_t x = 0; x < o->vn; x++) {
                double d = o->vr[x] - predict(m, o, o->vu[x], o->vi[x]);
                v += d * d;
            }
            o->epoch_done(o->ctx, ep, sqrt(s / (double)a->nnz), o->vn ? sqrt(v / (double)o->vn) : NAN,
                          secs);
            if (o->vn) stop = rs_early_update(&early, ep, sqrt(v / (double)o->vn));
        }
        if (o->progress) rs_progress_update(o->progress, (uint64_t)ep, (uint64_t)o->epochs, "epochs");
    }
    int last = ep - 1;
    if (rc == 0 && o->best_epoch) *o->best_epoch = rs_early_restore(&early, last);
    rs_early_free(&early);
    free(F.sse);
    free(perm);
    free(ucount);
    free(split);
    free(ucut);
    free(ent);
    if (rc < 0) rs_mf_free(m);
    return rc;
}

void rs_funk_put(rs_mf *m, const rs_funk_opts *o, rs_bundle *b)
{
    rs_mf_put(m, "funk", b);
    rs_mf_meta_u64(b, "epochs", (uint64_t)o->epochs);
    rs_mf_meta_double(b, "lr", o->lr);
    rs_mf_meta_double(b, "lr_bias", o->lr_bias);
    rs_mf_meta_double(b, "reg", o->reg);
    rs_mf_meta_double(b, "reg_bias", o->reg_bias);
    rs_mf_meta_double(b, "init_std", o->init_std);
    rs_mf_meta_u64(b, "seed", o->seed);
    if (o->clamp) {
        char lo[40], hi[40], buf[96];
        rs_mf_format(o->lo, lo, sizeof lo);
        rs_mf_format(o->hi, hi, sizeof hi);
        snprintf(buf, sizeof buf, "%s,%s", lo, hi);
        rs_meta_set(b, "range", buf);
    }
}
