/* rs-svd: a factor model of the user-item matrix from rs-index: the input
 * bundle plus the model's blocks (user_factors, item_factors, ...), ready
 * for rs-recommend.  -a picks the algorithm; each one is a library call
 * (lib/model/svd.h for the truncated SVD; lib/model/mf_funk.h, mf_als.h, mf_bpr.h for
 * the learned models). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/cli.h"
#include "format/idmap_block.h"
#include "format/csr.h"
#include "common/err.h"
#include "format/bundle.h"
#include "common/io.h"
#include "common/progress.h"
#include "model/svd.h"
#include "common/idmap.h"
#include "model/mf_als.h"
#include "model/mf_bpr.h"
#include "model/mf_funk.h"
#include "model/hybrid.h"
#include "format/featblock.h"
#include "prep/ratings.h"
#include "cli/validate.h"

static const char usage[] =
"Usage: rs-svd [OPTION]... [FILE]\n"
"Learn a factor model of the user-item matrix in FILE (from rs-index; with no\n"
"FILE, or when FILE is -, standard input) and write the matrix and the model\n"
"as one rs binary stream, ready for rs-recommend.\n"
"\n"
"  -a, --algorithm NAME   svd: truncated SVD by randomized block Krylov (what\n"
"                         the notebooks get from scipy's svds) (default svd)\n"
"                         funk: biased MF of explicit ratings by SGD\n"
"                         (FunkSVD, as Surprise's SVD)\n"
"                         als: implicit-feedback ALS (Hu, Koren, Volinsky)\n"
"                         bpr: Bayesian personalized ranking by SGD\n"
"                         hybrid: bpr whose users and items are the sums of\n"
"                         their id's and their side features' embeddings\n"
"                         (LightFM); needs rs-index --item-features or\n"
"                         --user-features, and scores items without\n"
"                         interactions by their features (takes bpr's options)\n"
"  -k, --factors K        factors (singular triplets), 1 to min(users, items)\n"
"                         (default 50)\n"
"      --center MODE      none|global|user|item: subtract the mean of the whole\n"
"                         dense matrix, of each user's row or of each item's\n"
"                         column (missing entries count as 0) from every\n"
"                         entry before the SVD; the model adds it back as\n"
"                         biases (default none)\n"
"      --block B          columns of the random test matrix, and added to the\n"
"                         Krylov basis by each power iteration (default 16,\n"
"                         or K/16 when that is more)\n"
"      --tol T            stop when the top K singular values change by less\n"
"                         than T (relative) in an iteration (default 1e-8);\n"
"                         0: always run --power iterations\n"
"      --power Q          at most Q power iterations (default 100)\n"
"      --seed S           seed of the random test matrix, or of the initial\n"
"                         factors and the sampling (default 42)\n"
"\n"
"-a funk (defaults: Surprise's, but for --init-std):\n"
"      --epochs N         passes over the ratings (default 20)\n"
"      --lr X             learning rate of the factors (default 0.005)\n"
"      --reg X            L2 weight of the factors (default 0.02)\n"
"      --lr-bias X        learning rate of the biases (default: --lr)\n"
"      --reg-bias X       L2 weight of the biases (default: --reg)\n"
"      --init-std X       initial factors ~ N(0, X^2) (default 0.05)\n"
"      --range LO,HI      clamp predicted ratings to LO..HI (the model keeps it)\n"
"      --validate FILE    after each epoch print the RMSE on the training\n"
"                         ratings and on FILE's (canonical TSV with ratings)\n"
"      --patience N       with --validate: stop after N epochs without a lower\n"
"                         validation RMSE and keep the best epoch's model\n"
"      --curve FILE       write epoch, train_rmse, valid_rmse, seconds as TSV\n"
"                         (rs-plot draws it)\n"
"\n"
"-a als (defaults: implicit's), confidence 1 + alpha r:\n"
"      --iterations N     alternations (default 15)\n"
"      --reg X            L2 weight (default 0.01)\n"
"      --alpha X          confidence weight (default 1)\n"
"      --solver NAME      cg: conjugate gradient from the last value, as\n"
"                         implicit does; cholesky: exact solve (default cg)\n"
"      --cg-steps N       conjugate gradient steps per row (default 3)\n"
"      --unobserved-weight W  iALS (Rendle et al. 2022): the weight alpha0 of\n"
"                         the all-pairs term W Y'Y (default 1: Hu et al.'s)\n"
"      --reg-exponent NU  iALS: a row's penalty is reg (n + W N)^NU, n its\n"
"                         entries, N the other side's rows (default 0: reg)\n"
"\n"
"-a als and -a bpr, early stopping:\n"
"      --validate FILE    after each iteration compute --metric of the model's\n"
"                         top lists (training items left out) against FILE's\n"
"                         (user, item) pairs (canonical TSV)\n"
"      --metric NAME      ndcg@K or map@K (default ndcg@10)\n"
"      --patience N       stop after N iterations without a better metric and\n"
"                         keep the best iteration's model\n"
"      --curve FILE       write epoch, valid_METRIC, seconds as TSV\n"
"\n"
"-a bpr (defaults: implicit's, but for --ns-exponent):\n"
"      --iterations N     passes of nnz samples each (default 100)\n"
"      --lr X             learning rate (default 0.01)\n"
"      --reg X            L2 weight (default 0.01)\n"
"      --ns-exponent X    negatives drawn in proportion to count^X, count an\n"
"                         item's training entries (default 0.75; 1 is\n"
"                         implicit's sampler, 0 uniform over all items)\n"
"      --negatives NAME   popular (--ns-exponent 1) or uniform (0)\n"
"      --no-verify        keep negatives the user has (implicit's\n"
"                         verify_negative_samples=False)\n"
"      --loss NAME        bpr (default) or warp: LightFM's WARP, a step only\n"
"                         for a negative scoring within 1 of the positive,\n"
"                         weighted by how soon one was found\n"
"      --max-sampled N    warp: negatives tried per sample (default 10);\n"
"                         warp's --ns-exponent defaults to 0 (uniform)\n"
"-a hybrid (bpr's options, and):\n"
"      --id-dropout P     share of samples that also get a features-only step,\n"
"                         which trains the features a cold item is made of\n"
"                         (0..1, default 1; 0: LightFM's model)\n"
"      --feature-lr X     learning rate of those steps (default 0.05)\n"
"      --feature-reg X    their L2 weight (default 0)\n"
"      --feature-ns-exponent X  their negatives ~ count^X (default -0.5)\n"
"\n"
"Common:\n"
"  -j, --jobs N           threads (default: all cores)\n"
"  -o, --output FILE      write FILE (complete or not at all) instead of stdout\n"
"  -z, --compress[=LEVEL] compress the blocks with zstd (LEVEL 1-19, default 3);\n"
"                         (-z9, -z 9 and --compress=9 are the same)\n"
"  -v, --verbose          print the time of each phase and the singular values\n"
"                         (svd), or of each epoch or iteration, on stderr\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"The model keeps U sqrt(S) as user factors and V sqrt(S) as item factors, and\n"
"S; score(u, i) = user_factors[u] . item_factors[i] + the biases.  The other\n"
"algorithms write the same kind of model (see rs-svd(1)).  svd, als and bpr\n"
"give the same model for the same --seed and -j (bpr's and funk's blocks\n"
"depend on -j, so another -j gives another, equally good, model).\n"
"\n"
"Examples:\n"
"  rs-index train.tsv | rs-svd -k 50 > model.rsm\n"
"  rs-svd -k 20 --center user -o model.rsm train.rsm\n"
"  rs-svd -k 10 train.rsm | rs-index --block sigma\n"
"  rs-svd -a funk -k 40 --epochs 120 --reg 0.1 --range 0.5,5 --validate test.tsv \\\n"
"      --patience 5 train.rsm > funk.rsm\n"
"  rs-svd -a als -k 32 --reg 1 --validate test.tsv --metric map@10 --patience 3 \\\n"
"      --curve als-curve.tsv train.rsm > als.rsm\n"
"  rs-svd -a als -k 64 --reg 1 train.rsm > als.rsm\n"
"  rs-index --item-features movies.csv train.tsv | rs-svd -a hybrid > hybrid.rsm\n"
"  rs-svd -a bpr --loss warp --max-sampled 20 -k 32 train.rsm > warp.rsm\n"
"\n"
"Exit status: 0 success, 1 bad data or I/O error, 2 bad usage (including a K\n"
"larger than the matrix allows).\n";

enum { OPT_CENTER = 256, OPT_BLOCK, OPT_TOL, OPT_POWER, OPT_SEED,
       OPT_EPOCHS, OPT_ITERATIONS, OPT_LR, OPT_LR_BIAS, OPT_REG, OPT_REG_BIAS, OPT_INIT_STD,
       OPT_RANGE, OPT_VALIDATE, OPT_ALPHA, OPT_SOLVER, OPT_CG_STEPS, OPT_NEGATIVES,
       OPT_NS_EXP, OPT_NO_VERIFY, OPT_UNOBSERVED, OPT_REG_EXP, OPT_PATIENCE, OPT_CURVE,
       OPT_METRIC, OPT_ID_DROPOUT, OPT_FEATURE_NS_EXP, OPT_FEATURE_LR, OPT_FEATURE_REG, OPT_LOSS,
       OPT_MAX_SAMPLED, OPT_END };

/* Options that only some algorithms take (a bit per algos[] entry, in its
 * order); -a NAME refuses the others. */
enum { A_SVD = 1, A_FUNK = 2, A_ALS = 4, A_BPR = 8, A_HYBRID = 16 };
static const struct only { int opt; const char *name; int algos; } only[] = {
    { OPT_CENTER, "--center", A_SVD },
    { OPT_BLOCK, "--block", A_SVD },
    { OPT_TOL, "--tol", A_SVD },
    { OPT_POWER, "--power", A_SVD },
    { OPT_EPOCHS, "--epochs", A_FUNK },
    { OPT_ITERATIONS, "--iterations", A_ALS | A_BPR },
    { OPT_LR, "--lr", A_FUNK | A_BPR },
    { OPT_LR_BIAS, "--lr-bias", A_FUNK },
    { OPT_REG, "--reg", A_FUNK | A_ALS | A_BPR },
    { OPT_REG_BIAS, "--reg-bias", A_FUNK },
    { OPT_INIT_STD, "--init-std", A_FUNK },
    { OPT_RANGE, "--range", A_FUNK },
    { OPT_VALIDATE, "--validate", A_FUNK | A_ALS | A_BPR },
    { OPT_PATIENCE, "--patience", A_FUNK | A_ALS | A_BPR },
    { OPT_CURVE, "--curve", A_FUNK | A_ALS | A_BPR },
    { OPT_METRIC, "--metric", A_ALS | A_BPR },
    { OPT_ALPHA, "--alpha", A_ALS },
    { OPT_SOLVER, "--solver", A_ALS },
    { OPT_CG_STEPS, "--cg-steps", A_ALS },
    { OPT_UNOBSERVED, "--unobserved-weight", A_ALS },
    { OPT_REG_EXP, "--reg-exponent", A_ALS },
    { OPT_NEGATIVES, "--negatives", A_BPR },
    { OPT_NS_EXP, "--ns-exponent", A_BPR },
    { OPT_NO_VERIFY, "--no-verify", A_BPR },
    { OPT_LOSS, "--loss", A_BPR },
    { OPT_MAX_SAMPLED, "--max-sampled", A_BPR },
    { OPT_ID_DROPOUT, "--id-dropout", A_HYBRID },
    { OPT_FEATURE_NS_EXP, "--feature-ns-exponent", A_HYBRID },
    { OPT_FEATURE_LR, "--feature-lr", A_HYBRID },
    { OPT_FEATURE_REG, "--feature-reg", A_HYBRID },
};

typedef struct opts {
    const char *output, *input;
    int zlevel, verbose, threads;
    rs_svd_opts svd;
    rs_funk_opts funk;
    rs_als_opts als;
    rs_bpr_opts bpr;
    rs_hybrid_opts hybrid;  /* -a hybrid: its own options (bpr's come from bpr) */
    const char *validate, *curve;
    int patience, vmetric, vk;
    FILE *curve_file;       /* --curve: one TSV row per epoch */
} opts;

/* One entry per algorithm: -a NAME runs fit, which adds the model to b.
 * Options that belong to one algorithm only are checked by its entry. */
typedef struct algo {
    const char *name;
    int (*fit)(const opts *op, const rs_csr *m, rs_bundle *b, rs_err *e);
} algo;

static int fit_svd(const opts *op, const rs_csr *m, rs_bundle *b, rs_err *e)
{
    rs_svd s;
    rs_progress pr;
    rs_svd_opts so = op->svd;
    /* The passes run on our threads; the dense steps between them are
     * small, and OpenBLAS's idle threads would spin against the passes'.
     * One BLAS thread also makes the result the same for any -j. */
    rs_blas_threads(1);
    rs_progress_start(&pr, "svd");
    so.progress = &pr;
    int rc = rs_svd_compute(m, &so, &s, e);
    rs_progress_end(&pr);
    if (rc < 0) return -1;
    if (op->verbose) {
        rs_warn("range finder %.3f s", s.t_range);
        rs_warn("power iterations %.3f s (%d, %d passes over the nonzeros in all, basis of %d "
                "columns, last change %.2g)", s.t_power, s.iterations, s.passes, s.basis,
                s.change);
        rs_warn("small svd %.3f s", s.t_small);
        char line[160];
        size_t len = 0;
        for (int j = 0; j < s.k; j++) {
            len += (size_t)snprintf(line + len, sizeof line - len, " %.9g", s.sigma[j]);
            if (len > 100 || j == s.k - 1) {
                rs_warn("sigma%s", line);
                len = 0;
            }
        }
    }
    if (!s.converged && isfinite(s.change))
        rs_warn("warning: the top %d singular values still changed by %.2g (relative) after "
                "%d power iterations; raise --power or --tol", s.k, s.change, s.iterations);
    else if (!s.converged)
        rs_warn("warning: %d power iterations are too few to test convergence; raise --power",
                s.iterations);
    rs_svd_put(&s, &so, b);
    rs_svd_free(&s);
    return 0;
}

/* What -v prints after each epoch or iteration.  The CPU seconds (of all
 * threads) say what the work cost even when other programs share the
 * cores and stretch the wall time. */
typedef struct report {
    const rs_csr *m;
    double cpu;             /* process CPU seconds at the last report */
    FILE *curve;            /* --curve, or NULL */
    int quiet;              /* --curve without -v: the rows say it all */
} report;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_since(report *r)
{
    double now = cpu_now(), d = now - r->cpu;
    r->cpu = now;
    return d;
}

static void funk_epoch(void *ctx, int epoch, double train, double valid, double secs)
{
    report *r = ctx;
    double cpu = cpu_since(r);
    if (r->curve) {
        if (epoch == 1) fputs("epoch\ttrain_rmse\tvalid_rmse\tseconds\n", r->curve);
        fprintf(r->curve, "%d\t%.6f\t%.6f\t%.4f\n", epoch, train, valid, secs);
    }
    if (r->quiet) return;
    if (isnan(valid)) rs_warn("epoch %d: train RMSE %.6f (%.3f s, %.3f CPU s)", epoch, train, secs, cpu);
    else rs_warn("epoch %d: train RMSE %.6f, validation RMSE %.6f (%.3f s, %.3f CPU s)", epoch, train,
                 valid, secs, cpu);
}

/* --validate FILE: its ratings, with users and items as the model's dense
 * indices (-1 for those it does not know). */
static int read_validation(const char *path, const rs_bundle *b, rs_funk_opts *fo, rs_err *e)
{
    rs_valid_pairs p;
    if (rs_valid_pairs_read(path, b, &p, e) < 0) return -1;
    if (!p.r) {
        rs_valid_pairs_free(&p);
        return rs_errf(e, RS_EDATA, "%s: --validate needs ratings (a third column)", path);
    }
    fo->vu = p.u;
    fo->vi = p.i;
    fo->vr = p.r;
    fo->vn = p.n;
    return 0;
}

/* Set up --validate, --patience and --curve for als or bpr: 0 when not
 * asked for, 1 when r is set, -1 on error. */
static int ranking_start(const opts *op, const rs_csr *m, const rs_bundle *b, rs_valid_run *r,
                         rs_err *e)
{
    *r = (rs_valid_run){ .unit = "iteration", .curve = op->curve_file, .verbose = op->verbose };
    if (!op->validate) return 0;
    if (rs_valid_run_start(r, op->validate, b, m, op->vmetric, op->vk, op->threads, e) < 0) return -1;
    return 1;
}

static int fit_funk(const opts *op, const rs_csr *m, rs_bundle *b, rs_err *e)
{
    rs_funk_opts fo = op->funk;
    rs_progress pr;
    rs_mf mf;
    if (op->validate && read_validation(op->validate, b, &fo, e) < 0) return -1;
    report r = { m, cpu_now(), op->curve_file, op->curve_file && !op->verbose };
    if (op->validate || op->verbose || op->curve_file) {
        fo.epoch_done = funk_epoch;
        fo.ctx = &r;
    }
    int best = fo.epochs;
    fo.patience = op->patience;
    fo.best_epoch = &best;
    rs_progress_start(&pr, "funk");
    fo.progress = &pr;
    int rc = rs_funk_fit(m, &fo, &mf, e);
    rs_progress_end(&pr);
    free((void *)fo.vu);
    free((void *)fo.vi);
    free((void *)fo.vr);
    if (rc < 0) return -1;
    if (op->verbose) rs_warn("global mean %.6f", mf.g);
    if (op->patience && (op->verbose || best < fo.epochs))
        rs_warn("kept epoch %d (the lowest validation RMSE; --epochs %d)", best, fo.epochs);
    /* The model is the one of that epoch: so says its meta. */
    fo.epochs = best;
    rs_funk_put(&mf, &fo, b);
    return 0;
}

static void als_iteration(void *ctx, int it, double secs)
{
    rs_warn("iteration %d: %.3f s, %.3f CPU s", it, secs, cpu_since(ctx));
}

static int fit_als(const opts *op, const rs_csr *m, rs_bundle *b, rs_err *e)
{
    rs_als_opts ao = op->als;
    rs_progress pr;
    rs_mf mf;
    report r = { .m = m, .cpu = cpu_now() };
    if (op->verbose) {
        ao.iteration_done = als_iteration;
        ao.ctx = &r;
    }
    rs_valid_run rk;
    int valid = ranking_start(op, m, b, &rk, e), best = ao.iterations;
    if (valid < 0) return -1;
    if (valid) {
        ao.validate = rs_valid_run_score;
        ao.vctx = &rk;
        ao.patience = op->patience;
        ao.best_iteration = &best;
    }
    rs_progress_start(&pr, "als");
    ao.progress = &pr;
    int rc = rs_als_fit(m, &ao, &mf, e);
    rs_progress_end(&pr);
    if (valid) rs_valid_run_end(&rk, op->patience, best, ao.iterations, "--iterations");
    if (rc < 0) return -1;
    ao.iterations = best;
    rs_als_put(&mf, &ao, b);
    return 0;
}

static void bpr_iteration(void *ctx, int it, double correct, double skipped, double secs)
{
    report *r = ctx;
    double cpu = cpu_since(r);
    rs_warn("iteration %d: %.2f%% of samples ranked right, %.2f%% skipped, %.3f s, %.3f CPU s "
            "(%.1f million samples per CPU second)", it, 100 * correct, 100 * skipped, secs, cpu,
            cpu > 0 ? (double)r->m->nnz / cpu / 1e6 : 0.0);
}

static int fit_bpr(const opts *op, const rs_csr *m, rs_bundle *b, rs_err *e)
{
    rs_bpr_opts bo = op->bpr;
    rs_progress pr;
    rs_mf mf;
    report r = { .m = m, .cpu = cpu_now() };
    if (op->verbose) {
        bo.iteration_done = bpr_iteration;
        bo.ctx = &r;
    }
    rs_valid_run rk;
    int valid = ranking_start(op, m, b, &rk, e), best = bo.iterations;
    if (valid < 0) return -1;
    if (valid) {
        bo.validate = rs_valid_run_score;
        bo.vctx = &rk;
        bo.patience = op->patience;
        bo.best_iteration = &best;
    }
    rs_progress_start(&pr, "bpr");
    bo.progress = &pr;
    int rc = rs_bpr_fit(m, &bo, &mf, e);
    rs_progress_end(&pr);
    if (valid) rs_valid_run_end(&rk, op->patience, best, bo.iterations, "--iterations");
    if (rc < 0) return -1;
    bo.iterations = best;
    rs_bpr_put(&mf, &bo, b);
    return 0;
}

static int fit_hybrid(const opts *op, const rs_csr *m, rs_bundle *b, rs_err *e)
{
    rs_csr ifeat, ufeat;
    int hi = rs_featblock_get(b, "ifeat", m->cols, &ifeat, e);
    int hu = hi < 0 ? -1 : rs_featblock_get(b, "ufeat", m->rows, &ufeat, e);
    if (hu < 0) return -1;
    if (!hi && !hu)
        return rs_errf(e, RS_EDATA, "-a hybrid: the matrix has no side features (make it with "
                       "rs-index --item-features FILE or --user-features FILE)");
    rs_hybrid_opts ho = op->hybrid;
    ho.bpr = op->bpr;
    rs_progress pr;
    rs_hybrid h;
    report r = { .m = m, .cpu = cpu_now() };
    if (op->verbose) {
        ho.bpr.iteration_done = bpr_iteration;
        ho.bpr.ctx = &r;
    }
    rs_progress_start(&pr, "hybrid");
    ho.bpr.progress = &pr;
    int rc = rs_hybrid_fit(m, hi ? &ifeat : NULL, hu ? &ufeat : NULL, &ho, &h, e);
    rs_progress_end(&pr);
    if (rc < 0) return -1;
    rs_hybrid_put(&h, &ho, b);
    rs_hybrid_free(&h);
    return 0;
}

static const algo algos[] = {
    { "svd", fit_svd },
    { "funk", fit_funk },
    { "als", fit_als },
    { "bpr", fit_bpr },
    { "hybrid", fit_hybrid },
};

/* A learning rate: > 0. */
static double opt_rate(const char *opt, const char *arg)
{
    double v = rs_opt_double(opt, arg, -HUGE_VAL, HUGE_VAL);
    if (!(v > 0)) rs_usage_error("%s: %s is not a positive learning rate", opt, arg);
    return v;
}

/* A regularization weight and the like: >= 0. */
static double opt_nonneg(const char *opt, const char *arg)
{
    double v = rs_opt_double(opt, arg, -HUGE_VAL, HUGE_VAL);
    if (v < 0) rs_usage_error("%s: %s is negative (it must be 0 or more)", opt, arg);
    return v;
}

static void opt_range(const char *arg, rs_funk_opts *fo)
{
    const char *comma = strchr(arg, ',');
    char lo[64];
    size_t n = comma ? (size_t)(comma - arg) : 0;
    if (!comma || n == 0 || n >= sizeof lo)
        rs_usage_error("--range: '%s' is not LO,HI (e.g. 0.5,5)", arg);
    memcpy(lo, arg, n);
    lo[n] = '\0';
    fo->lo = rs_opt_double("--range", lo, -HUGE_VAL, HUGE_VAL);
    fo->hi = rs_opt_double("--range", comma + 1, -HUGE_VAL, HUGE_VAL);
    if (!(fo->lo < fo->hi)) rs_usage_error("--range: LO must be below HI, not %s", arg);
    fo->clamp = 1;
}


static const algo *find_algo(const char *name)
{
    for (size_t k = 0; k < sizeof algos / sizeof algos[0]; k++)
        if (!strcmp(algos[k].name, name)) return &algos[k];
    return NULL;
}

static void run(const opts *given, const algo *a)
{
    opts mine = *given, *op = &mine;
    rs_err e = { 0 };
    /* Opened first, so a terminal is refused before any work. */
    rs_outset *set = rs_outset_new();
    rs_cmd_input(set, "the input", op->input, "a matrix (rs-index output)",
                 "it as FILE or through a pipe");
    if (op->validate)
        rs_cmd_input(set, "--validate", op->validate, "validation pairs or ratings (canonical TSV)",
                     "them with --validate FILE");
    rs_out *o = rs_cmd_open(set, "-o", op->output, 1);
    if (op->curve) mine.curve_file = rs_out_file(rs_cmd_open(set, "--curve", op->curve, 0));
    double t0 = rs_now();
    rs_bundle b = { 0 };
    /* A named rs file is mapped, not copied (the matrix is most of it). */
    if (rs_bundle_load_expect(op->input, &b, "a matrix from rs-index", &e) < 0) rs_cmd_fail(o, &e);
    rs_csr m;
    if (rs_csr_get(&b, &m, &e) < 0) rs_cmd_fail(o, &e);
    if (op->verbose)
        rs_warn("read %.3f s: %u users x %u items, %llu nonzeros", rs_now() - t0, m.rows, m.cols,
                (unsigned long long)m.nnz);
    if (a->fit(op, &m, &b, &e) < 0) rs_cmd_fail(o, &e);
    double t1 = rs_now();
    rs_cmd_write_bundle(o, &b, op->zlevel);
    rs_bundle_free(&b);
    rs_cmd_close(o);
    if (op->verbose) rs_warn("write %.3f s", rs_now() - t1);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "algorithm", required_argument, NULL, 'a' },
        { "factors", required_argument, NULL, 'k' },
        { "center", required_argument, NULL, OPT_CENTER },
        { "block", required_argument, NULL, OPT_BLOCK },
        { "tol", required_argument, NULL, OPT_TOL },
        { "power", required_argument, NULL, OPT_POWER },
        { "seed", required_argument, NULL, OPT_SEED },
        { "epochs", required_argument, NULL, OPT_EPOCHS },
        { "iterations", required_argument, NULL, OPT_ITERATIONS },
        { "lr", required_argument, NULL, OPT_LR },
        { "lr-bias", required_argument, NULL, OPT_LR_BIAS },
        { "reg", required_argument, NULL, OPT_REG },
        { "reg-bias", required_argument, NULL, OPT_REG_BIAS },
        { "init-std", required_argument, NULL, OPT_INIT_STD },
        { "range", required_argument, NULL, OPT_RANGE },
        { "validate", required_argument, NULL, OPT_VALIDATE },
        { "patience", required_argument, NULL, OPT_PATIENCE },
        { "curve", required_argument, NULL, OPT_CURVE },
        { "metric", required_argument, NULL, OPT_METRIC },
        { "alpha", required_argument, NULL, OPT_ALPHA },
        { "solver", required_argument, NULL, OPT_SOLVER },
        { "cg-steps", required_argument, NULL, OPT_CG_STEPS },
        { "unobserved-weight", required_argument, NULL, OPT_UNOBSERVED },
        { "reg-exponent", required_argument, NULL, OPT_REG_EXP },
        { "negatives", required_argument, NULL, OPT_NEGATIVES },
        { "ns-exponent", required_argument, NULL, OPT_NS_EXP },
        { "no-verify", no_argument, NULL, OPT_NO_VERIFY },
        { "loss", required_argument, NULL, OPT_LOSS },
        { "max-sampled", required_argument, NULL, OPT_MAX_SAMPLED },
        { "id-dropout", required_argument, NULL, OPT_ID_DROPOUT },
        { "feature-ns-exponent", required_argument, NULL, OPT_FEATURE_NS_EXP },
        { "feature-lr", required_argument, NULL, OPT_FEATURE_LR },
        { "feature-reg", required_argument, NULL, OPT_FEATURE_REG },
        { "jobs", required_argument, NULL, 'j' },
        { "output", required_argument, NULL, 'o' },
        { "compress", optional_argument, NULL, 'z' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    opts op = { 0 };
    op.vmetric = RS_VALID_NDCG;
    op.vk = 10;
    rs_svd_defaults(&op.svd);
    rs_funk_defaults(&op.funk);
    rs_als_defaults(&op.als);
    rs_bpr_defaults(&op.bpr);
    rs_hybrid_defaults(&op.hybrid);
    const char *aname = "svd";
    int c, given[OPT_END] = { 0 }, lr_bias = 0, reg_bias = 0;
    while ((c = rs_getopt(argc, argv, "a:k:j:o:z::vhV", longopts)) != -1) {
        if (c >= OPT_CENTER && c < OPT_END) given[c] = 1;
        switch (c) {
        case 'a':   /* at once, so that -a's value is checked as every other's */
            if (!find_algo(optarg))
                rs_usage_error("-a: unknown algorithm '%s' (this build knows svd, funk, als, bpr, hybrid)", optarg);
            aname = optarg;
            break;
        case 'k': op.svd.k = (int)rs_opt_int("-k", optarg, 1, 1 << 20); break;
        case OPT_CENTER:
            if ((op.svd.center = rs_svd_center_parse(optarg)) < 0)
                rs_usage_error("--center: '%s' is not one of none, global, user, item", optarg);
            break;
        case OPT_BLOCK: op.svd.block = (int)rs_opt_int("--block", optarg, 1, 4096); break;
        case OPT_TOL: op.svd.tol = rs_opt_double("--tol", optarg, 0, 1); break;
        case OPT_POWER: op.svd.power = (int)rs_opt_int("--power", optarg, 0, 100000); break;
        case OPT_SEED: op.svd.seed = rs_opt_seed("--seed", optarg); break;
        case OPT_EPOCHS: op.funk.epochs = (int)rs_opt_int("--epochs", optarg, 0, 1 << 24); break;
        case OPT_ITERATIONS:
            op.als.iterations = op.bpr.iterations = (int)rs_opt_int("--iterations", optarg, 0, 1 << 24);
            break;
        case OPT_LR: op.funk.lr = op.bpr.lr = opt_rate("--lr", optarg); break;
        case OPT_LR_BIAS: op.funk.lr_bias = opt_rate("--lr-bias", optarg); lr_bias = 1; break;
        case OPT_REG: op.funk.reg = op.als.reg = op.bpr.reg = opt_nonneg("--reg", optarg); break;
        case OPT_REG_BIAS: op.funk.reg_bias = opt_nonneg("--reg-bias", optarg); reg_bias = 1; break;
        case OPT_INIT_STD: op.funk.init_std = opt_nonneg("--init-std", optarg); break;
        case OPT_RANGE: opt_range(optarg, &op.funk); break;
        case OPT_VALIDATE: op.validate = optarg; break;
        case OPT_PATIENCE: op.patience = (int)rs_opt_int("--patience", optarg, 1, 1 << 24); break;
        case OPT_CURVE: op.curve = optarg; break;
        case OPT_METRIC:
            if (rs_valid_metric_parse(optarg, &op.vmetric, &op.vk) < 0)
                rs_usage_error("--metric: '%s' is not ndcg@K or map@K (K 1..10000)", optarg);
            break;
        case OPT_ALPHA: op.als.alpha = opt_nonneg("--alpha", optarg); break;
        case OPT_SOLVER:
            if ((op.als.solver = rs_als_solver_parse(optarg)) < 0)
                rs_usage_error("--solver: '%s' is not one of cg, cholesky", optarg);
            break;
        case OPT_CG_STEPS: op.als.cg_steps = (int)rs_opt_int("--cg-steps", optarg, 1, 1000); break;
        case OPT_UNOBSERVED: op.als.unobserved = rs_opt_double("--unobserved-weight", optarg, 0, 1e6); break;
        case OPT_REG_EXP: op.als.reg_exponent = rs_opt_double("--reg-exponent", optarg, 0, 10); break;
        case OPT_NEGATIVES:
            if (!strcmp(optarg, "popular")) op.bpr.ns_exponent = 1;
            else if (!strcmp(optarg, "uniform")) op.bpr.ns_exponent = 0;
            else rs_usage_error("--negatives: '%s' is not one of uniform, popular", optarg);
            break;
        case OPT_NS_EXP: op.bpr.ns_exponent = rs_opt_double("--ns-exponent", optarg, -100, 100); break;
        case OPT_NO_VERIFY: op.bpr.verify = 0; break;
        case OPT_LOSS:
            if ((op.bpr.loss = rs_bpr_loss_parse(optarg)) < 0)
                rs_usage_error("--loss: '%s' is not one of bpr, warp", optarg);
            break;
        case OPT_MAX_SAMPLED:
            op.bpr.max_sampled = (int)rs_opt_int("--max-sampled", optarg, 1, 1000000);
            break;
        case OPT_ID_DROPOUT: op.hybrid.id_dropout = rs_opt_double("--id-dropout", optarg, 0, 1); break;
        case OPT_FEATURE_NS_EXP:
            op.hybrid.feature_ns_exponent = rs_opt_double("--feature-ns-exponent", optarg, -100, 100);
            break;
        case OPT_FEATURE_LR: op.hybrid.feature_lr = opt_rate("--feature-lr", optarg); break;
        case OPT_FEATURE_REG: op.hybrid.feature_reg = opt_nonneg("--feature-reg", optarg); break;
        case 'j': op.threads = rs_opt_jobs(optarg); break;
        case 'o': op.output = optarg; break;
        case 'z': op.zlevel = rs_opt_zlevel_getopt(optarg, argc, argv); break;
        case 'v': op.verbose = 1; break;
        case 'h': rs_help(usage);
        case 'V': rs_version();
        default:    /* rs_getopt has reported anything unknown */
            return RS_EUSAGE;
        }
    }
    const algo *a = find_algo(aname);
    if (!a) rs_usage_error("-a: unknown algorithm '%s' (this build knows svd, funk, als, bpr, hybrid)", aname);
    int abit = 1 << (a - algos);
    if (a->fit == fit_hybrid) abit |= A_BPR;    /* bpr's options are hybrid's */
    for (size_t j = 0; j < sizeof only / sizeof only[0]; j++)
        if (given[only[j].opt] && !(only[j].algos & abit))
            rs_usage_error("%s does not apply to -a %s", only[j].name, aname);
    /* The bias terms follow the factor terms unless given. */
    if (!lr_bias) op.funk.lr_bias = op.funk.lr;
    if (!reg_bias) op.funk.reg_bias = op.funk.reg;
    if (given[OPT_MAX_SAMPLED] && op.bpr.loss != RS_BPR_LOSS_WARP)
        rs_usage_error("--max-sampled needs --loss warp");
    /* WARP's weight estimates the positive's rank from the tries, which
     * holds for uniform draws (LightFM's sampler): its default. */
    if (op.bpr.loss == RS_BPR_LOSS_WARP && !given[OPT_NS_EXP] && !given[OPT_NEGATIVES])
        op.bpr.ns_exponent = 0;
    if (op.patience && !op.validate) rs_usage_error("--patience needs --validate FILE (what to stop on)");
    if (op.curve && !op.validate && a != &algos[1])
        rs_usage_error("--curve needs --validate FILE with -a %s (the curve is the validation metric)", aname);
    if (argc - optind > 1) rs_usage_error("one input at most, not %d", argc - optind);
    op.input = optind < argc ? argv[optind] : NULL;
    op.threads = op.threads ? op.threads : rs_threads_default();
    op.svd.threads = op.threads;
    op.funk.k = op.als.k = op.bpr.k = op.svd.k;
    op.funk.seed = op.als.seed = op.bpr.seed = op.svd.seed;
    op.funk.threads = op.als.threads = op.bpr.threads = op.threads;
    /* Our threads and OpenBLAS's take turns (sparse passes, then dense
     * steps), so each may use all of them. */
    rs_blas_threads(op.threads);
    run(&op, a);
    return 0;
}
