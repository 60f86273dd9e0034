/* refit.c: a model's options from its meta, and the fit; see refit.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "format/csr.h"
#include "model/mf.h"
#include "format/layout.h"
#include "model/knn_bundle.h"
#include "serve/refit.h"

enum { T_INT, T_U64, T_DBL, T_BOOL, T_WORD };

/* One option: its meta key, type and range, and where it goes. */
typedef struct opt {
    const char *key;
    int type;
    double lo, hi;              /* numbers: inclusive range */
    int (*set)(rs_srv_fit *f, const char *v, double x, rs_err *e);
} opt;

#define SET(name, body) \
    static int name(rs_srv_fit *f, const char *v, double x, rs_err *e) \
    { (void)v; (void)x; (void)e; body; return 0; }

SET(svd_k, f->svd.k = (int)x)
SET(svd_seed, f->svd.seed = (uint64_t)x)
SET(svd_block, f->svd.block = (int)x)
SET(svd_power, f->svd.power = (int)x)
SET(svd_tol, f->svd.tol = x)
static int svd_center(rs_srv_fit *f, const char *v, double x, rs_err *e)
{
    (void)x;
    if ((f->svd.center = rs_svd_center_parse(v)) < 0)
        return rs_errf(e, RS_EUSAGE, "center: '%s' is not one of none, global, user, item", v);
    return 0;
}

SET(funk_k, f->funk.k = (int)x)
SET(funk_epochs, f->funk.epochs = (int)x)
SET(funk_lr, f->funk.lr = x)
SET(funk_lr_bias, f->funk.lr_bias = x)
SET(funk_reg, f->funk.reg = x)
SET(funk_reg_bias, f->funk.reg_bias = x)
SET(funk_init_std, f->funk.init_std = x)
SET(funk_seed, f->funk.seed = (uint64_t)x)
static int funk_range(rs_srv_fit *f, const char *v, double x, rs_err *e)
{
    (void)x;
    char *end;
    double lo = strtod(v, &end), hi = *end == ',' ? strtod(end + 1, &end) : NAN;
    if (*end || !(lo < hi))
        return rs_errf(e, RS_EUSAGE, "range: '%s' is not LO,HI with LO below HI", v);
    f->funk.clamp = 1;
    f->funk.lo = lo;
    f->funk.hi = hi;
    return 0;
}

SET(als_k, f->als.k = (int)x)
SET(als_iterations, f->als.iterations = (int)x)
SET(als_reg, f->als.reg = x)
SET(als_alpha, f->als.alpha = x)
SET(als_cg_steps, f->als.cg_steps = (int)x)
SET(als_seed, f->als.seed = (uint64_t)x)
static int als_solver(rs_srv_fit *f, const char *v, double x, rs_err *e)
{
    (void)x;
    if ((f->als.solver = rs_als_solver_parse(v)) < 0)
        return rs_errf(e, RS_EUSAGE, "solver: '%s' is not one of cg, cholesky", v);
    return 0;
}

SET(bpr_k, f->bpr.k = (int)x)
SET(bpr_iterations, f->bpr.iterations = (int)x)
SET(bpr_lr, f->bpr.lr = x)
SET(bpr_reg, f->bpr.reg = x)
SET(bpr_seed, f->bpr.seed = (uint64_t)x)
SET(bpr_ns, f->bpr.ns_exponent = x)
SET(bpr_verify, f->bpr.verify = (int)x)
SET(bpr_max_sampled, f->bpr.max_sampled = (int)x)
/* A WARP model is refit with WARP (rs-svd --loss); a model without the key is BPR's. */
static int bpr_loss(rs_srv_fit *f, const char *v, double x, rs_err *e)
{
    (void)x;
    if ((f->bpr.loss = rs_bpr_loss_parse(v)) < 0)
        return rs_errf(e, RS_EUSAGE, "loss: '%s' is not one of bpr, warp", v);
    return 0;
}

SET(knn_k, f->knn_k = (uint32_t)x)
SET(knn_binary, f->knn.binary = (int)x)
SET(knn_k1, f->knn.bm25_k1 = x)
SET(knn_b, f->knn.bm25_b = x)
static int knn_sim(rs_srv_fit *f, const char *v, double x, rs_err *e)
{
    (void)x;
    if ((f->knn.sim = rs_knn_sim_parse(v)) < 0)
        return rs_errf(e, RS_EUSAGE, "sim: '%s' is not a similarity rs-knn knows", v);
    return 0;
}
static int knn_weight(rs_srv_fit *f, const char *v, double x, rs_err *e)
{
    (void)x;
    if ((f->knn.weight = rs_knn_weight_parse(v)) < 0)
        return rs_errf(e, RS_EUSAGE, "weight: '%s' is not a weighting rs-knn knows", v);
    return 0;
}
static int knn_score(rs_srv_fit *f, const char *v, double x, rs_err *e)
{
    (void)x;
    if (strcmp(v, "count") && strcmp(v, "sum"))
        return rs_errf(e, RS_EUSAGE, "score: '%s' is not one of sum, count", v);
    f->knn_count = !strcmp(v, "count");
    return 0;
}

SET(w2v_dim, f->w2v.dim = (uint32_t)x)
SET(w2v_window, f->w2v.window = (uint32_t)x)
SET(w2v_min_count, f->w2v.min_count = (uint64_t)x)
SET(w2v_negative, f->w2v.negative = (uint32_t)x)
SET(w2v_ns, f->w2v.ns_exponent = x)
SET(w2v_sample, f->w2v.sample = x)
SET(w2v_alpha, f->w2v.alpha = x)
SET(w2v_min_alpha, f->w2v.min_alpha = x)
SET(w2v_epochs, f->w2v.epochs = (uint32_t)x)
SET(w2v_sg, f->w2v.sg = (int)x)
SET(w2v_cbow_mean, f->w2v.cbow_mean = (int)x)
SET(w2v_shrink, f->w2v.shrink_windows = (int)x)
SET(w2v_seed, f->w2v.seed = (uint64_t)x)
static int w2v_order(rs_srv_fit *f, const char *v, double x, rs_err *e)
{
    (void)x;
    if (strcmp(v, "input") && strcmp(v, "time"))
        return rs_errf(e, RS_EUSAGE, "order: '%s' is not one of input, time", v);
    f->w2v_time = !strcmp(v, "time");
    return 0;
}

#define BIG 1e15
#define SEED 0, 18446744073709551615.0

static const opt svd_opts[] = {
    { "k", T_INT, 1, 1 << 20, svd_k }, { "center", T_WORD, 0, 0, svd_center },
    { "seed", T_U64, SEED, svd_seed }, { "block", T_INT, 1, 4096, svd_block },
    { "power", T_INT, 0, 100000, svd_power }, { "tol", T_DBL, 0, 1, svd_tol }, { 0 }
};
static const opt funk_opts[] = {
    { "k", T_INT, 1, 1 << 20, funk_k }, { "epochs", T_INT, 0, 1 << 24, funk_epochs },
    { "lr", T_DBL, 1e-300, BIG, funk_lr }, { "lr_bias", T_DBL, 1e-300, BIG, funk_lr_bias },
    { "reg", T_DBL, 0, BIG, funk_reg }, { "reg_bias", T_DBL, 0, BIG, funk_reg_bias },
    { "init_std", T_DBL, 0, BIG, funk_init_std }, { "seed", T_U64, SEED, funk_seed },
    { "range", T_WORD, 0, 0, funk_range }, { 0 }
};
static const opt als_opts[] = {
    { "k", T_INT, 1, 1 << 20, als_k }, { "iterations", T_INT, 0, 1 << 24, als_iterations },
    { "reg", T_DBL, 0, BIG, als_reg }, { "alpha", T_DBL, 0, BIG, als_alpha },
    { "solver", T_WORD, 0, 0, als_solver }, { "cg_steps", T_INT, 1, 1000, als_cg_steps },
    { "seed", T_U64, SEED, als_seed }, { 0 }
};
static const opt bpr_opts[] = {
    { "k", T_INT, 1, 1 << 20, bpr_k }, { "iterations", T_INT, 0, 1 << 24, bpr_iterations },
    { "lr", T_DBL, 1e-300, BIG, bpr_lr }, { "reg", T_DBL, 0, BIG, bpr_reg },
    { "seed", T_U64, SEED, bpr_seed }, { "ns_exponent", T_DBL, -100, 100, bpr_ns },
    { "verify_negatives", T_BOOL, 0, 1, bpr_verify }, { "loss", T_WORD, 0, 0, bpr_loss },
    { "max_sampled", T_INT, 1, 1000000, bpr_max_sampled }, { 0 }
};
static const opt knn_opts[] = {
    { "k", T_INT, 1, 4294967295.0, knn_k }, { "sim", T_WORD, 0, 0, knn_sim },
    { "weight", T_WORD, 0, 0, knn_weight }, { "binary", T_BOOL, 0, 1, knn_binary },
    { "bm25_k1", T_DBL, 0, BIG, knn_k1 }, { "bm25_b", T_DBL, 0, 1, knn_b },
    { "score", T_WORD, 0, 0, knn_score }, { 0 }
};
static const opt w2v_opts[] = {
    { "vector_size", T_INT, 1, 10000, w2v_dim }, { "k", T_INT, 1, 10000, w2v_dim },
    { "window", T_INT, 1, 100000, w2v_window }, { "min_count", T_U64, 0, BIG, w2v_min_count },
    { "negative", T_INT, 1, 1000, w2v_negative }, { "ns_exponent", T_DBL, -100, 100, w2v_ns },
    { "sample", T_DBL, 0, 1e300, w2v_sample }, { "alpha", T_DBL, 1e-300, 10, w2v_alpha },
    { "min_alpha", T_DBL, 0, 10, w2v_min_alpha }, { "epochs", T_INT, 1, 1000000, w2v_epochs },
    { "sg", T_BOOL, 0, 1, w2v_sg }, { "cbow_mean", T_BOOL, 0, 1, w2v_cbow_mean },
    { "shrink_windows", T_BOOL, 0, 1, w2v_shrink }, { "seed", T_U64, SEED, w2v_seed },
    { "order", T_WORD, 0, 0, w2v_order }, { 0 }
};
static const opt no_opts[] = { { 0 } };

static const opt *opts_of(const char *kind)
{
    if (!strcmp(kind, "svd")) return svd_opts;
    if (!strcmp(kind, "funk")) return funk_opts;
    if (!strcmp(kind, "als")) return als_opts;
    if (!strcmp(kind, "bpr")) return bpr_opts;
    if (!strncmp(kind, "knn-", 4)) return knn_opts;
    if (!strcmp(kind, "w2v")) return w2v_opts;
    return no_opts;
}

static int set(rs_srv_fit *f, const opt *o, const char *v, rs_err *e)
{
    if (!v) return rs_errf(e, RS_EUSAGE, "%s: no value", o->key);
    if (o->type == T_WORD) return o->set(f, v, 0, e);
    char *end = NULL;
    errno = 0;
    double x = o->type == T_DBL ? strtod(v, &end) : (double)strtoull(v, &end, 10);
    int whole = o->type != T_DBL;
    if (!*v || *end || errno || !isfinite(x) || (whole && (*v < '0' || *v > '9')) ||
        x < o->lo || x > o->hi)
        return rs_errf(e, RS_EUSAGE, "%s: '%.64s' is not %s from %.17g to %.17g", o->key, v,
                       whole ? "a whole number" : "a number", o->lo, o->hi);
    return o->set(f, v, x, e);
}

static void defaults(rs_srv_fit *f, int threads)
{
    memset(f, 0, sizeof *f);
    rs_svd_defaults(&f->svd);
    rs_funk_defaults(&f->funk);
    rs_als_defaults(&f->als);
    rs_bpr_defaults(&f->bpr);
    rs_knn_defaults(&f->knn);
    rs_w2v_defaults(&f->w2v);
    f->knn_k = 50;
    f->svd.threads = f->funk.threads = f->als.threads = f->bpr.threads = f->w2v.threads = threads;
    /* funk: the bias terms follow the factor terms unless the meta says. */
    f->funk.lr_bias = f->funk.lr;
    f->funk.reg_bias = f->funk.reg;
}

int rs_srv_fit_prepare(const rs_bundle *model, const char *kind, const rs_srv_args *over,
                       uint32_t rows, uint32_t cols, int threads, rs_srv_fit *f, rs_err *e)
{
    defaults(f, threads < 1 ? 1 : threads);
    f->kind = kind;
    const opt *os = opts_of(kind);
    f->knn.items = !strcmp(kind, "knn-item");
    for (const opt *o = os; o->key; o++) {
        const char *v = rs_meta_get(model, o->key);
        if (v && set(f, o, v, e) < 0) return -1;
    }
    size_t len = 0;
    for (size_t a = 0; a < over->n; a++) {
        const opt *o = os;
        while (o->key && strcmp(o->key, over->key[a])) o++;
        if (!o->key) {
            char known[200] = "";
            for (const opt *p = os; p->key; p++) {
                size_t l = strlen(known);
                snprintf(known + l, sizeof known - l, "%s%s", l ? ", " : "", p->key);
            }
            return rs_errf(e, RS_EUSAGE, "unknown option '%.64s' for a %s model (%s%s)",
                           over->key[a], kind, *known ? "it has " : "it has none",
                           known);
        }
        if (set(f, o, over->val[a], e) < 0) return -1;
        if (len < sizeof f->desc)
            len += (size_t)snprintf(f->desc + len, sizeof f->desc - len, "%s%s=%.40s",
                                    len ? " " : "", o->key, over->val[a]);
    }
    uint32_t small = rows < cols ? rows : cols;
    int k = !strcmp(kind, "svd") ? f->svd.k : !strcmp(kind, "funk") ? f->funk.k
          : !strcmp(kind, "als") ? f->als.k : !strcmp(kind, "bpr") ? f->bpr.k : 0;
    if (k > 0 && (uint32_t)k > small)
        return rs_errf(e, RS_EUSAGE, "k: %d is more than the matrix allows (%u)", k, small);
    f->funk.k = f->als.k = f->bpr.k = f->svd.k = k > 0 ? k : f->svd.k;
    if (os == knn_opts && rs_knn_check(&f->knn, e) < 0) return -1;
    if (os == w2v_opts && rs_w2v_check(&f->w2v, e) < 0) return -1;
    return 0;
}

/* out gets src's matrix as views: the blocks and meta keys that
 * format/layout.h says a matrix holds (meta itself is made anew). */
static void borrow(const rs_bundle *src, rs_bundle *out)
{
    const rs_layout_kind *mk = rs_layout_find("matrix");
    for (size_t k = 0; k < mk->nblocks; k++) {
        rs_block *b = rs_bundle_get(src, mk->blocks[k].name);
        if (!b || !strcmp(mk->blocks[k].name, "meta")) continue;
        rs_block *nb = rs_bundle_put(out, b->name, b->dtype, b->rows, b->cols, b->data, 0);
        nb->size = b->size;
    }
    for (size_t k = 0; k < mk->nkeys; k++) {
        const char *v = rs_meta_get(src, mk->keys[k].name);
        if (v) rs_meta_set(out, mk->keys[k].name, v);
    }
}

static int fit_knn(const rs_srv_fit *f, const rs_csr *m, rs_bundle *out, rs_err *e)
{
    rs_knn_space s;
    if (rs_knn_space_build(m, &f->knn, &s, e) < 0) return -1;
    uint32_t n = s.x.rows, k = f->knn_k;
    if (n && k > n - 1) k = n - 1;
    rs_csr nb;
    rs_knn_run kr = { .k = k, .threads = f->svd.threads };
    int rc = rs_knn_neighbors(&s, &kr, &nb, e);
    rs_knn_space_free(&s);
    if (rc < 0) return -1;
    rs_knn_put(out, &nb, &f->knn, k, f->knn_count);
    return 0;
}

static int fit_w2v(const rs_srv_fit *f, const rs_csr *m, rs_bundle *out, rs_err *e)
{
    rs_csr sorted = { 0 };
    const rs_csr *seq = m;
    if (f->w2v_time) {
        if (!m->times) return rs_errf(e, RS_EUSAGE, "order=time: the matrix has no times");
        rs_w2v_time_order(m, &sorted);
        seq = &sorted;
    }
    rs_w2v w;
    int rc = rs_w2v_train(seq, &f->w2v, NULL, &w, e);
    if (f->w2v_time) rs_csr_free(&sorted);
    if (rc < 0) return -1;
    rs_w2v_put(&w, &f->w2v, f->w2v_time ? "time" : "input", out);
    return 0;
}

int rs_srv_fit_run(const rs_srv_fit *f, const rs_bundle *src, rs_bundle *out, rs_err *e)
{
    borrow(src, out);
    rs_csr m;
    if (rs_csr_get(out, &m, e) < 0) return -1;
    const char *k = f->kind;
    rs_mf mf;
    if (!strcmp(k, "svd")) {
        rs_svd s;
        if (rs_svd_compute(&m, &f->svd, &s, e) < 0) return -1;
        rs_svd_put(&s, &f->svd, out);
        rs_svd_free(&s);
    } else if (!strcmp(k, "funk")) {
        if (rs_funk_fit(&m, &f->funk, &mf, e) < 0) return -1;
        rs_funk_put(&mf, &f->funk, out);
    } else if (!strcmp(k, "als")) {
        if (rs_als_fit(&m, &f->als, &mf, e) < 0) return -1;
        rs_als_put(&mf, &f->als, out);
    } else if (!strcmp(k, "bpr")) {
        if (rs_bpr_fit(&m, &f->bpr, &mf, e) < 0) return -1;
        rs_bpr_put(&mf, &f->bpr, out);
    } else if (!strncmp(k, "knn-", 4)) {
        return fit_knn(f, &m, out, e);
    } else if (!strcmp(k, "w2v")) {
        return fit_w2v(f, &m, out, e);
    } else if (strcmp(k, "popular")) {
        return rs_errf(e, RS_EUSAGE, "a %s model cannot be refitted", k);
    }
    return 0;
}
