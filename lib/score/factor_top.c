/* factor_top.c: see factor_top.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include "common/err.h"
#include "score/factor_top.h"

struct rs_factor_top {
    const float *Q, *ib;
    uint32_t items, k;
    uint32_t body;              /* items - items % 4: the rows of Qs */
    uint32_t *order;            /* item at each position, norms decreasing */
    float *Qs;                  /* Q's rows [0, body) in that order */
    double *norm;               /* |Q[order[p]]| */
    float *ibs;                 /* ib[order[p]]: read in order, as Qs is */
    float *cmax;                /* max of ib[order[q]] over q >= p; [body] = -inf */
    double slack;               /* 1 + the relative error bound of a dot */
};

typedef struct byorder {
    const double *norm;
} byorder;

static int by_norm(const void *a, const void *b, void *c)
{
    const double *n = ((const byorder *)c)->norm;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (n[x] != n[y]) return n[x] > n[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Dots of p with positions [p0, p0 + np) of the copy into out: the
 * call users() makes on all of Q, on a multiple of 4 rows. */
static void dots(const rs_factor_top *f, uint32_t p0, uint32_t np, const float *p, float *out)
{
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)np, (int)f->k, 1.0f, f->Qs + (size_t)p0 * f->k,
                (int)f->k, p, 1, 0.0f, out, 1);
}

/* The last items % 4 items, scored as the full row's call scores them. */
static void tail_dots(const rs_factor_top *f, const float *p, float *out)
{
    uint32_t n = f->items - f->body;
    if (n)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)f->k, 1.0f,
                    f->Q + (size_t)f->body * f->k, (int)f->k, p, 1, 0.0f, out, 1);
}

/* Chunk sizes: small first (a top 10 is usually settled in a few hundred
 * items), doubling so that scoring everything costs few calls more; never
 * past stop, where the bound says the list is settled.  Multiples of 4. */
static uint32_t chunk_at(uint32_t done, uint32_t body, uint32_t stop)
{
    uint32_t c = done < 64 ? 64 : done;
    if (c > RS_FACTOR_TOP_SCRATCH) c = RS_FACTOR_TOP_SCRATCH;
    if (stop < body && stop - done < c) c = (stop - done + 3) & ~3u;
    return c < body - done ? c : body - done;
}

/* Whether every chunk's dots are the full SGEMV's, bit for bit, for a
 * few vectors (fixed, so the answer does not depend on the model's users). */
static int same_bits(const rs_factor_top *f)
{
    size_t k = f->k;
    float *full = rs_xmalloc(((size_t)f->items + 1) * sizeof *full);
    float *part = rs_xmalloc(RS_FACTOR_TOP_SCRATCH * sizeof *part);
    float *p = rs_xmalloc(k * sizeof *p);
    int ok = 1;
    for (int v = 0; v < 4 && ok; v++) {
        for (size_t a = 0; a < k; a++)
            p[a] = (float)(((a * 7 + (size_t)v * 13) % 17) - 8.0) * 0.37f / (float)(v + 1);
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)f->items, (int)k, 1.0f, f->Q, (int)k, p,
                    1, 0.0f, full, 1);
        for (uint32_t done = 0, c; ok && done < f->body; done += c) {
            c = chunk_at(done, f->body, f->body);
            dots(f, done, c, p, part);
            for (uint32_t j = 0; j < c; j++)
                if (memcmp(&part[j], &full[f->order[done + j]], sizeof *part)) ok = 0;
        }
        tail_dots(f, p, part);
        for (uint32_t j = 0; ok && j < f->items - f->body; j++)
            if (memcmp(&part[j], &full[f->body + j], sizeof *part)) ok = 0;
    }
    free(full);
    free(part);
    free(p);
    return ok;
}

rs_factor_top *rs_factor_top_open(const float *Q, const float *ib, uint32_t items, uint32_t k)
{
    if (items == 0 || k == 0) return NULL;
    rs_factor_top *f = rs_xcalloc(1, sizeof *f);
    f->Q = Q;
    f->ib = ib;
    f->items = items;
    f->k = k;
    f->body = items - items % 4;
    /* A float dot of k terms, in any order, with or without FMA, is within
     * k u / (1 - k u) of sum |q p| <= |q| |p| (u = 2^-24); twice that, and
     * a little more for the norms, leaves room to spare. */
    f->slack = 1.0 + ((double)k + 8.0) * ldexp(1.0, -23);
    double *all = rs_xmalloc((size_t)items * sizeof *all);
    for (uint32_t i = 0; i < items; i++) {
        const float *q = Q + (size_t)i * k;
        double s = 0;
        for (uint32_t a = 0; a < k; a++) s += (double)q[a] * q[a];
        all[i] = sqrt(s);
    }
    f->order = rs_xmalloc(((size_t)f->body + 1) * sizeof *f->order);
    for (uint32_t i = 0; i < f->body; i++) f->order[i] = i;
    byorder bo = { all };
    qsort_r(f->order, f->body, sizeof *f->order, by_norm, &bo);
    f->norm = rs_xmalloc(((size_t)f->body + 1) * sizeof *f->norm);
    f->cmax = rs_xmalloc(((size_t)f->body + 1) * sizeof *f->cmax);
    f->ibs = rs_xmalloc(((size_t)f->body + 1) * sizeof *f->ibs);
    f->Qs = aligned_alloc(64, (((size_t)f->body * k * sizeof *f->Qs) + 64) / 64 * 64);
    if (!f->Qs) {
        free(all);
        rs_factor_top_close(f);
        return NULL;
    }
    f->cmax[f->body] = -INFINITY;
    for (uint32_t p = f->body; p-- > 0;) {
        uint32_t i = f->order[p];
        f->norm[p] = all[i];
        f->ibs[p] = ib[i];
        f->cmax[p] = ib[i] > f->cmax[p + 1] ? ib[i] : f->cmax[p + 1];
        memcpy(f->Qs + (size_t)p * k, Q + (size_t)i * k, k * sizeof *Q);
    }
    free(all);
    if (!same_bits(f)) {
        rs_factor_top_close(f);
        return NULL;
    }
    return f;
}

void rs_factor_top_close(rs_factor_top *f)
{
    if (!f) return;
    free(f->order);
    free(f->Qs);
    free(f->norm);
    free(f->cmax);
    free(f->ibs);
    free(f);
}

/* No item from position pos on scores above this (users with vector
 * norm pn and bias bu): the dot's bound, the largest ib left, and room for
 * the two roundings of adding them. */
static double bound(const rs_factor_top *f, uint32_t pos, double pn, float bu)
{
    double dot = f->norm[pos] * pn * f->slack, cm = f->cmax[pos];
    return dot + cm + bu + (fabs(dot) + 2 * fabs(cm) + 2 * fabs((double)bu)) * ldexp(1.0, -22);
}

/* Push (s, i) as rs_rec_top_row's scan would take it: -inf and NaN never. */
static inline void take(rs_topk *t, float s, uint32_t i)
{
    if (s > -INFINITY) rs_topk_push(t, s, i);
}

size_t rs_factor_top_user(const rs_factor_top *f, const float *p, float bu,
                          const uint32_t *mask, size_t nmask, rs_topk *t, float *scratch)
{
    rs_topk_clear(t);
    if (t->cap == 0) return 0;
    size_t words = ((size_t)f->items + 63) / 64;
    uint64_t *masked = rs_xcalloc(words, sizeof *masked);
    for (size_t m = 0; m < nmask; m++)
        if (mask[m] < f->items) masked[mask[m] / 64] |= 1ull << (mask[m] % 64);
    double pn = 0;
    for (uint32_t a = 0; a < f->k; a++) pn += (double)p[a] * p[a];
    pn = sqrt(pn);
    /* Each score as users() makes it: the dot, plus (ib + bu) rounded first. */
    tail_dots(f, p, scratch);
    for (uint32_t i = f->body; i < f->items; i++)
        if (!(masked[i / 64] >> (i % 64) & 1)) take(t, scratch[i - f->body] + (f->ib[i] + bu), i);
    for (uint32_t done = 0, c, stop = f->body; done < f->body; done += c) {
        /* (A threshold of +inf, scores overflowed, bounds nothing: then
         * ties to the smaller index need every item.) */
        if (t->n == t->cap && rs_topk_threshold(t) < INFINITY) {
            /* The bound only falls along the order, and the threshold only
             * rises: the first position whose bound is below it is where
             * the list is settled. */
            double thr = rs_topk_threshold(t);
            uint32_t lo = done, hi = stop;
            while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (bound(f, mid, pn, bu) < thr) hi = mid;
                else lo = mid + 1;
            }
            stop = lo;
            if (stop <= done) break;
        }
        c = chunk_at(done, f->body, stop);
        dots(f, done, c, p, scratch);
        float thr = rs_topk_threshold(t);
        const float *ibs = f->ibs + done;
        for (uint32_t j = 0; j < c; j++) {
            float s = scratch[j] + (ibs[j] + bu);
            if (s < thr) continue;
            uint32_t i = f->order[done + j];
            if (!(masked[i / 64] >> (i % 64) & 1)) {
                take(t, s, i);
                thr = rs_topk_threshold(t);
            }
        }
    }
    free(masked);
    return rs_topk_sorted(t);
}
