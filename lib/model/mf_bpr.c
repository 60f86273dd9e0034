/* mf_bpr.c: BPR's step; the sampling, the strata, the loop are
 * bpr_sgd.c's (shared with the hybrid model). */
#include <math.h>
#include <string.h>
#include "model/mf_bpr.h"
#include "model/bpr_sgd.h"

void rs_bpr_defaults(rs_bpr_opts *o)
{
    memset(o, 0, sizeof *o);
    o->k = 50;
    o->iterations = RS_BPR_ITERATIONS;
    o->lr = RS_BPR_LR;
    o->reg = RS_BPR_REG;
    o->ns_exponent = RS_BPR_NS_EXPONENT;
    o->verify = 1;
    o->loss = RS_BPR_LOSS_BPR;
    o->max_sampled = RS_BPR_MAX_SAMPLED;
    o->seed = 42;
    o->threads = 1;
}

int rs_bpr_loss_parse(const char *s)
{
    if (!strcmp(s, "bpr")) return RS_BPR_LOSS_BPR;
    if (!strcmp(s, "warp")) return RS_BPR_LOSS_WARP;
    return -1;
}

const char *rs_bpr_loss_name(int loss)
{
    return loss == RS_BPR_LOSS_WARP ? "warp" : "bpr";
}

static inline void update(float *restrict pu, float *restrict qi, float *restrict qj, int k,
                          float z, float lr, float reg)
{
    int f = 0;
    for (; f + 4 <= k; f += 4) {
        rs_mf_v4 p = rs_mf_ld(pu + f), a = rs_mf_ld(qi + f), b = rs_mf_ld(qj + f);
        rs_mf_st(pu + f, p + lr * (z * (a - b) - reg * p));
        rs_mf_st(qi + f, a + lr * (z * p - reg * a));
        rs_mf_st(qj + f, b + lr * (-z * p - reg * b));
    }
    for (; f < k; f++) {
        float p = pu[f], a = qi[f], b = qj[f];
        pu[f] = p + lr * (z * (a - b) - reg * p);
        qi[f] = a + lr * (z * p - reg * a);
        qj[f] = b + lr * (-z * p - reg * b);
    }
}


/* One SGD step on a used sample (u, i, j). */
static inline float step(void *w, uint32_t u, float *pu, rs_bprs_sample d, uint64_t s)
{
    const rs_bprs *B = w;
    const int k = B->k;
    const float lr = (float)B->o->lr, reg = (float)B->o->reg;
    float *qi = B->V + (size_t)d.i * B->stride, *qj = B->V + (size_t)d.j * B->stride;
    float *bi = d.bi, *bj = d.bj;
    float z = 1.0f / (1.0f + expf(rs_bprs_diff_dot(pu, qi, qj, k) + (*bi - *bj)));
    update(pu, qi, qj, k, z, lr, reg);
    *bi += lr * (z - reg * *bi);
    *bj += lr * (-z - reg * *bj);
    return z;
}

/* WARP's thread: the machinery, the stratum its negatives come from (or
 * NULL), the user's vector of the sample at hand. */
typedef struct warp { const rs_bprs *B; const rs_bprs_stratum *st; const float *pu; } warp;

static inline float warp_score(void *w, uint32_t j, const float *bj)
{
    const warp *c = w;
    return rs_mf_dot(c->pu, c->B->V + (size_t)j * c->B->stride, c->B->k) + *bj;
}

/* WARP's step (mf_bpr.h): BPR's update with the violator found and its
 * weight for z; none found, nothing moves.  Returns 0 then (counted as
 * ranked right), else 1. */
static inline float warp_step(void *w, uint32_t u, float *pu, rs_bprs_sample d, uint64_t s)
{
    warp *c = w;
    const rs_bprs *B = c->B;
    const int k = B->k;
    float *qi = B->V + (size_t)d.i * B->stride, z;
    c->pu = pu;
    if (!rs_bprs_warp(B, c->st, c, warp_score, u, s, &d, rs_mf_dot(pu, qi, k) + *d.bi, &z)) return 0;
    if (z == 0) return 1;   /* a rank estimate of 1: no loss, and no penalty step alone */
    const float lr = (float)B->o->lr, reg = (float)B->o->reg;
    update(pu, qi, B->V + (size_t)d.j * B->stride, k, z, lr, reg);
    *d.bi += lr * (z - reg * *d.bi);
    *d.bj += lr * (-z - reg * *d.bj);
    return 1;
}

static int worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    rs_bprs *B = arg;
    if (B->o->loss == RS_BPR_LOSS_WARP) {
        warp c = { B, NULL, NULL };
        rs_bprs_chunks(B, &c, warp_step);
    } else {
        rs_bprs_chunks(B, B, step);
    }
    return 0;
}

static int strata_worker(void *arg, int t, size_t slo, size_t shi, rs_err *e)
{
    rs_bprs *B = arg;
    if (B->o->loss == RS_BPR_LOSS_WARP) {
        warp c = { B, &B->sts[(t + B->sub) % B->strata], NULL };
        rs_bprs_stratum_run(B, t, &c, warp_step);
    } else {
        rs_bprs_stratum_run(B, t, B, step);
    }
    return 0;
}

int rs_bpr_fit(const rs_csr *a, const rs_bpr_opts *o, rs_mf *m, rs_err *e)
{
    if (rs_bprs_check(o, e) < 0 || rs_mf_check(a, o->k, e) < 0) return -1;
    rs_bprs B;
    if (rs_bprs_init(&B, a, o, e) < 0) return -1;
    const int k = o->k;
    const size_t stride = B.stride;
    rs_bprs_hooks h = { .worker = worker, .strata_worker = strata_worker };
    rs_mf_view view = { a->rows, a->cols, k, stride, B.U, B.V, NULL, B.bi, 0 };
    int rc = rs_bprs_train(&B, "BPR", &h, &B, &view, e);
    if (rc == 0) {
        rs_mf_alloc(m, a->rows, a->cols, k, 0, 1);
        for (uint32_t u = 0; u < a->rows; u++)
            memcpy(m->P + (size_t)u * k, B.U + (size_t)u * stride, (size_t)k * sizeof(float));
        for (uint32_t i = 0; i < a->cols; i++)
            memcpy(m->Q + (size_t)i * k, B.V + (size_t)i * stride, (size_t)k * sizeof(float));
        memcpy(m->bi, B.bi, (size_t)a->cols * sizeof *B.bi);
        m->g = 0;
    }
    rs_bprs_free(&B);
    return rc;
}

void rs_bpr_put(rs_mf *m, const rs_bpr_opts *o, rs_bundle *b)
{
    rs_mf_put(m, "bpr", b);
    rs_bprs_put_meta(o, b);
}
