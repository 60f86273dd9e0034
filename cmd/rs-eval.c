/* rs-eval: top-N metrics of recommendation lists, or RMSE/MAE/NDCG of
 * rating predictions, against a test set; several models and folds in
 * one table. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "common/err.h"
#include "eval/partial.h"
#include "eval/report.h"
#include "common/io.h"
#include "common/idmap.h"
#include "common/progress.h"
#include "format/bundle.h"
#include "format/idmap_block.h"
#include "prep/features.h"

static const char help[] =
"Usage: rs-eval -t TEST [OPTION]... [RECS]...\n"
"   or: rs-eval -t TEST [OPTION]... NAME=RECS NAME=RECS...\n"
"   or: rs-eval --predictions FILE -t TEST [OPTION]...\n"
"Evaluate recommendation lists (user<TAB>rank<TAB>item<TAB>score, from RECS or\n"
"standard input) against a test set (canonical TSV user<TAB>item[<TAB>rating]).\n"
"Reports, for each cutoff K: hitrate, precision, recall, map, ndcg, mrr,\n"
"coverage and novelty @K, averaged over the test users.  The test file is\n"
"opened only after the recommendations have been read to the end, so it may\n"
"be written by an earlier stage of the same pipe.  With no RECS, or when RECS\n"
"is -, read standard input.\n"
"\n"
"  -t, --test FILE         test set (required)\n"
"  -k, --cutoffs LIST      comma-separated cutoffs K (default 10)\n"
"      --relevant X        relevant items are test items rated >= X\n"
"                          (default: every test item)\n"
"      --ap-denominator D  divide AP@K by min (min(K, |relevant|), default),\n"
"                          k (K, as the reference notebooks) or relevant\n"
"      --train FILE        training set: popularity for novelty, catalogue\n"
"                          for coverage (without it novelty is nan and the\n"
"                          catalogue is the items of the lists and the test\n"
"                          set, which the report and a warning say)\n"
"      --per-user          one line per user and cutoff instead of the means\n"
"\n"
"Beyond accuracy (definitions: man rs-eval):\n"
"      --beyond            add longtail, serendipity and personalization\n"
"      --head P            longtail: items outside the P most popular share of\n"
"                          the training items (default 0.2; needs --train)\n"
"      --baseline FILE     serendipity against these lists (e.g. rs-recommend\n"
"                          --popular) instead of the evaluated ones; implies\n"
"                          --beyond\n"
"      --features FILE     item attributes (movies.csv, movies.dat, u.item or\n"
"                          item<TAB>attribute): diversity and attr_coverage\n"
"      --model FILE        a factor model: diversity by the factors' cosine\n"
"\n"
"Several models, folds and how sure (the model table):\n"
"      --models            each RECS file is one model, named by its file name\n"
"                          (NAME=RECS names it; either one row per model)\n"
"      --folds N           fold I of N replaces every % in -t, --train,\n"
"                          --baseline, --model and RECS by I; means and sd\n"
"      --compare M         the per-user metric of the paired interval: hitrate,\n"
"                          precision, recall, map, ndcg (default), mrr, novelty,\n"
"                          longtail, serendipity, diversity or attr_coverage\n"
"      --reference MODEL   compare with this model (default: the best at each K)\n"
"      --resamples N       paired bootstrap resamples (default 1000; 0: none)\n"
"      --seed N            seed of the resampling (default 1)\n"
"\n"
"Shards (man rs-eval, SHARDS):\n"
"      --partial           write the sums behind the report of this shard of\n"
"                          the users (a small TSV) instead of the report\n"
"      --merge             the arguments are --partial files of all shards:\n"
"                          write the report of the whole (no -t needed)\n"
"\n"
"      --predictions FILE  evaluate rating predictions (user<TAB>item<TAB>score,\n"
"                          rs-recommend --predict): rmse, mae and NDCG with\n"
"                          the true ratings as gains (LensKit's topn.ndcg)\n"
"      --format F          tsv, table, markdown or json (default: table on a\n"
"                          terminal, tsv otherwise)\n"
"      --json              same as --format json\n"
"  -o, --output FILE       write the report to FILE (default stdout)\n"
"  -v, --verbose           report what was read, and the time, on stderr\n"
"  -h, --help              show this help and exit\n"
"  -V, --version           show the version and exit\n"
"\n"
"Users in the test set without recommendations count as zeros; users with\n"
"recommendations but no test line are ignored; both are counted in the report.\n"
"Lists shorter than K keep the definitions (precision@K divides by K); how\n"
"many users had one is said on stderr.  Lists or predictions that have no\n"
"user, or no (user, item) pair, in common with the test set are an error.\n"
"Definitions and worked examples: man rs-eval.\n"
"\n"
"Examples:\n"
"  rs-filter --min-rating 4 ratings.csv | rs-split --last 5 -t test.tsv \\\n"
"    | rs-index | rs-svd -k 50 | rs-recommend -n 10 | rs-eval -t test.tsv -k 10\n"
"  rs-eval -t test.tsv --train train.tsv --json recs.tsv\n"
"  rs-recommend -m model.rsm --predict test.tsv > pred.tsv\n"
"  rs-eval --predictions pred.tsv -t test.tsv\n"
"  rs-eval -t test.tsv --train train.tsv --beyond --features movies.csv recs.tsv\n"
"  rs-recommend -n 10 train.rsm \\\n"
"    | rs-eval -t test.tsv --train train.tsv -k 5,10 --beyond svd=recs.tsv pop=-\n"
"\n"
"Exit status: 0 success, 1 bad data, 2 bad usage.\n";

enum { OPT_RELEVANT = 256, OPT_AP, OPT_TRAIN, OPT_PER_USER, OPT_PREDICTIONS, OPT_FORMAT, OPT_JSON,
       OPT_BEYOND, OPT_HEAD, OPT_BASELINE, OPT_FEATURES, OPT_MODEL, OPT_MODELS, OPT_FOLDS,
       OPT_COMPARE, OPT_REFERENCE, OPT_RESAMPLES, OPT_SEED, OPT_PARTIAL, OPT_MERGE };

static const struct option longopts[] = {
    { "test", required_argument, NULL, 't' },
    { "cutoffs", required_argument, NULL, 'k' },
    { "relevant", required_argument, NULL, OPT_RELEVANT },
    { "ap-denominator", required_argument, NULL, OPT_AP },
    { "train", required_argument, NULL, OPT_TRAIN },
    { "per-user", no_argument, NULL, OPT_PER_USER },
    { "predictions", required_argument, NULL, OPT_PREDICTIONS },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "json", no_argument, NULL, OPT_JSON },
    { "beyond", no_argument, NULL, OPT_BEYOND },
    { "head", required_argument, NULL, OPT_HEAD },
    { "baseline", required_argument, NULL, OPT_BASELINE },
    { "features", required_argument, NULL, OPT_FEATURES },
    { "model", required_argument, NULL, OPT_MODEL },
    { "models", no_argument, NULL, OPT_MODELS },
    { "folds", required_argument, NULL, OPT_FOLDS },
    { "compare", required_argument, NULL, OPT_COMPARE },
    { "reference", required_argument, NULL, OPT_REFERENCE },
    { "resamples", required_argument, NULL, OPT_RESAMPLES },
    { "seed", required_argument, NULL, OPT_SEED },
    { "partial", no_argument, NULL, OPT_PARTIAL },
    { "merge", no_argument, NULL, OPT_MERGE },
    { "output", required_argument, NULL, 'o' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
};

#define MAX_CUTOFFS 64

/* "-": standard input, or for -o standard output. */
static int is_dash(const char *path) { return strcmp(path, "-") == 0; }

static void read_file(rs_eval *ev, const char *path, int (*reader)(rs_eval *, rs_in *, rs_err *),
                      rs_out *out, int verbose)
{
    rs_err e = { 0 };
    rs_eval_sizes a, b;
    rs_eval_sizes_get(ev, &a);
    rs_in *in = rs_in_open(path, &e);
    if (!in || reader(ev, in, &e) < 0) rs_cmd_fail(out, &e);
    if (verbose) {
        rs_eval_sizes_get(ev, &b);
        const char *name = rs_in_name(in);
        if (reader == rs_eval_read_recs)
            rs_warn("%s: %zu recommendations", name, b.recs - a.recs);
        else if (reader == rs_eval_read_predictions)
            rs_warn("%s: %zu predictions", name, b.predictions - a.predictions);
        else if (reader == rs_eval_read_test) rs_warn("%s: %zu test rows", name, b.test);
        else rs_warn("%s: training set of %llu users, %llu items", name,
                     (unsigned long long)b.train_users, (unsigned long long)b.train_items);
    }
    rs_in_close(in);
}

/* Each input is read to its end in turn: a second reader of stdin would
 * find it empty. */
static void one_stdin_reader(int argc, char **argv, const char *test, const char *train,
                             const char *predictions, const char *baseline)
{
    int recs_stdin = !predictions && optind == argc;
    for (int k = optind; k < argc; k++) {
        const char *eq = strchr(argv[k], '=');
        recs_stdin |= is_dash(argv[k]) || (eq && is_dash(eq + 1));
    }
    const char *on_stdin[5];
    int nstdin = 0;
    if (recs_stdin) on_stdin[nstdin++] = "the recommendations";
    if (predictions && is_dash(predictions)) on_stdin[nstdin++] = "--predictions -";
    if (is_dash(test)) on_stdin[nstdin++] = "-t -";
    if (train && is_dash(train)) on_stdin[nstdin++] = "--train -";
    if (baseline && is_dash(baseline)) on_stdin[nstdin++] = "--baseline -";
    if (nstdin > 1)
        rs_usage_error("%s and %s cannot both read standard input (name a file for one of them)",
                       on_stdin[0], on_stdin[1]);
}

/* What the figures of a top-N report hide: repeated items, lists shorter
 * than the cutoff (counted at the largest K, which has the most), and a
 * coverage over a catalogue that depends on the model.  who: "" or the
 * model and fold of the model table. */
static void warn_topn(const rs_topn_report *r, int per_user, const char *who)
{
    if (r->repeated)
        rs_warn("%sitems repeated within a user's list: %llu (each counts once)", who,
                (unsigned long long)r->repeated);
    const rs_topn_row *big = &r->rows[0];
    for (int k = 1; k < r->nk; k++)
        if (r->rows[k].k > big->k) big = &r->rows[k];
    if (big->short_lists)
        rs_warn("%susers with a list shorter than K=%lld: %llu of %llu evaluated "
                "(precision@K still divides by K)", who, (long long)big->k,
                (unsigned long long)big->short_lists, (unsigned long long)r->users);
    if (!per_user && !r->catalogue_from_train)
        rs_warn("coverage is over the %llu items of the lists and the test set, which depend "
                "on the model: give --train for the training catalogue",
                (unsigned long long)r->catalogue);
}

/* Item factors for diversity: the model's item_factors and item ids. */
typedef struct factors { rs_bundle b; rs_idmap *items; const float *Q; uint32_t k; } factors;

static void load_factors(factors *q, const char *path, rs_out *out)
{
    rs_err e = { 0 };
    memset(q, 0, sizeof *q);
    if (rs_bundle_load_expect(path, &q->b, "a factor model (rs-svd)", &e) < 0) rs_cmd_fail(out, &e);
    rs_block *blk = rs_bundle_get(&q->b, "item_factors");
    if (!blk || blk->dtype != RS_F32) {
        rs_errf(&e, RS_EDATA, "--model %s: no item_factors block: diversity by factors needs a "
                "factor model (rs-svd, rs-svd -a als|bpr|funk)", path);
        rs_cmd_fail(out, &e);
    }
    if (!(q->items = rs_idmap_get(&q->b, "items", &e))) rs_cmd_fail(out, &e);
    if (blk->rows != rs_idmap_size(q->items) || !blk->cols || blk->cols > UINT32_MAX) {
        rs_errf(&e, RS_EDATA, "--model %s: item_factors has %llu rows for %u items", path,
                (unsigned long long)blk->rows, rs_idmap_size(q->items));
        rs_cmd_fail(out, &e);
    }
    q->Q = blk->data;
    q->k = (uint32_t)blk->cols;
}

static void free_factors(factors *q)
{
    if (!q->Q) return;
    rs_idmap_free(q->items);
    rs_bundle_free(&q->b);
    memset(q, 0, sizeof *q);
}

/* A model of the table: its name and list files (fold patterns). */
typedef struct model { char *name; char **files; int nfiles; } model;

/* "svd" of "runs/svd.tsv.zst". */
static char *model_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *name = rs_xstrdup(slash ? slash + 1 : path);
    char *dot = strrchr(name, '.');
    if (dot && dot != name && !strcmp(dot, ".zst")) *dot = '\0';
    if ((dot = strrchr(name, '.')) && dot != name) *dot = '\0';
    return name;
}

/* NAME=FILE: a name without '/' (so ./a=b.tsv is a file). */
static const char *named(const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || memchr(arg, '/', (size_t)(eq - arg))) return NULL;
    return eq + 1;
}

/* path with every % replaced by fold (1-based); malloc'd. */
static char *fold_path(const char *path, int fold)
{
    char num[16];
    int nl = snprintf(num, sizeof num, "%d", fold);
    size_t n = strlen(path) + 1;
    for (const char *p = path; *p; p++) n += *p == '%' ? (size_t)nl : 0;
    char *out = rs_xmalloc(n), *q = out;
    for (const char *p = path; *p; p++) {
        if (*p == '%') { memcpy(q, num, (size_t)nl); q += nl; }
        else *q++ = *p;
    }
    *q = '\0';
    return out;
}

static void need_percent(const char *opt, const char *path, int nfolds)
{
    if (path && nfolds > 1 && !strchr(path, '%'))
        rs_usage_error("--folds %d: %s '%s' has no %% for the fold number", nfolds, opt, path);
}

typedef struct run {
    const char *test, *train, *baseline, *modelpath;
    const rs_features *feat;
    rs_topn_opts o;
    int nfolds, verbose;
} run;

static void set_inputs(rs_eval *ev, const run *x, const factors *q)
{
    if (x->feat) rs_eval_set_features(ev, x->feat);
    if (q->Q) rs_eval_set_factors(ev, q->items, q->Q, q->k);
}

/* The model table: every model on every fold, then rs_compare. */
static void run_models(const run *x, model *models, int nmodels, const rs_compare_opts *co,
                       int format, rs_out *out)
{
    int F = x->nfolds;
    rs_err e = { 0 };
    rs_topn_report *reps = rs_xcalloc((size_t)nmodels * (size_t)F, sizeof *reps);
    rs_eval **evs = rs_xcalloc((size_t)nmodels, sizeof *evs);
    int catalogue_warned = 0;
    rs_idmap *ukeys = rs_idmap_new();   /* a user is one user in every fold */
    for (int f = 0; f < F; f++) {
        factors q = { 0 };
        char *test = fold_path(x->test, f + 1);
        char *train = x->train ? fold_path(x->train, f + 1) : NULL;
        char *base = x->baseline ? fold_path(x->baseline, f + 1) : NULL;
        if (x->modelpath) {
            char *mp = fold_path(x->modelpath, f + 1);
            load_factors(&q, mp, out);
            free(mp);
        }
        /* Every list first, as with one model: the test file may still be
         * being written by an earlier stage of the pipe. */
        for (int m = 0; m < nmodels; m++) {
            evs[m] = rs_eval_new();
            for (int j = 0; j < models[m].nfiles; j++) {
                char *path = fold_path(models[m].files[j], f + 1);
                read_file(evs[m], path, rs_eval_read_recs, out, x->verbose);
                free(path);
            }
        }
        for (int m = 0; m < nmodels; m++) {
            read_file(evs[m], test, rs_eval_read_test, out, x->verbose && m == 0);
            if (train) read_file(evs[m], train, rs_eval_read_train, out, x->verbose && m == 0);
            if (base) read_file(evs[m], base, rs_eval_read_baseline, out, x->verbose && m == 0);
            set_inputs(evs[m], x, &q);
            rs_topn_report *r = &reps[m * F + f];
            if (rs_eval_topn(evs[m], &x->o, r, &e) < 0) rs_cmd_fail(out, &e);
            char who[300];
            if (F > 1) snprintf(who, sizeof who, "%.200s, fold %d: ", models[m].name, f + 1);
            else snprintf(who, sizeof who, "%.200s: ", models[m].name);
            warn_topn(r, catalogue_warned, who);
            catalogue_warned = 1;
            rs_compare_key_users(r, evs[m], ukeys);
            rs_eval_free(evs[m]);
        }
        free_factors(&q);
        free(test); free(train); free(base);
    }
    char **names = rs_xmalloc((size_t)nmodels * sizeof *names);
    for (int m = 0; m < nmodels; m++) names[m] = models[m].name;
    rs_compare c;
    if (rs_compare_run(reps, nmodels, F, names, co, &c, &e) < 0) rs_cmd_fail(out, &e);
    rs_compare_write(rs_out_file(out), &c, format);
    rs_compare_free(&c);
    rs_idmap_free(ukeys);
    for (int j = 0; j < nmodels * F; j++) rs_topn_report_free(&reps[j]);
    free(reps); free(evs); free(names);
}

/* --merge: the report of every shard's --partial sums. */
static int merge_partials(char **paths, int n, int format, const char *output, int verbose)
{
    rs_err e = { 0 };
    rs_outset *set = rs_outset_new();
    rs_cmd_inputs(set, paths, n, "partial sums (rs-eval --partial)", "them as FILE arguments");
    if (format < 0)
        format = (!output || is_dash(output)) && isatty(STDOUT_FILENO) ? RS_REPORT_TABLE
                                                                  : RS_REPORT_TSV;
    rs_out *out = rs_cmd_open(set, "-o", output, 0);
    rs_partial_merge *m = rs_partial_merge_new();
    for (int k = 0; k < n; k++) {
        rs_in *in = rs_in_open(paths[k], &e);
        if (!in || rs_partial_merge_read(m, in, &e) < 0) rs_cmd_fail(out, &e);
        rs_in_close(in);
    }
    rs_topn_report r;
    if (rs_partial_merge_report(m, &r, &e) < 0) rs_cmd_fail(out, &e);
    warn_topn(&r, 0, "");
    rs_topn_write(rs_out_file(out), NULL, &r, format);
    rs_cmd_close(out);
    if (verbose) rs_warn("merged %d partials: %llu users", n, (unsigned long long)r.users);
    rs_topn_report_free(&r);
    rs_partial_merge_free(m);
    return 0;
}

int main(int argc, char **argv)
{
    const char *test = NULL, *train = NULL, *predictions = NULL, *output = NULL;
    const char *baseline = NULL, *features = NULL, *modelpath = NULL;
    int64_t ks[MAX_CUTOFFS] = { 10 };
    rs_topn_opts o = { .ks = ks, .nk = 1, .ap_denom = RS_AP_MIN, .head = 0.2 };
    rs_compare_opts co = { .metric = RS_M_NDCG, .resamples = 1000, .seed = 1, .level = 0.95 };
    int format = -1, cutoffs_set = 0, verbose = 0, models_flag = 0, nfolds = 0, compare_set = 0;
    int head_set = 0, partial = 0, merge = 0;
    int c;
    while ((c = rs_getopt(argc, argv, "t:k:o:vhV", longopts)) != -1) {
        switch (c) {
        case 't': test = optarg; break;
        case 'k':
            o.nk = rs_opt_int_list("-k", optarg, 1, INT32_MAX, ks, MAX_CUTOFFS);
            cutoffs_set = 1;
            break;
        case OPT_RELEVANT:
            o.threshold = rs_opt_double("--relevant", optarg, -HUGE_VAL, HUGE_VAL);
            o.threshold_set = 1;
            break;
        case OPT_AP:
            if (!strcmp(optarg, "min")) o.ap_denom = RS_AP_MIN;
            else if (!strcmp(optarg, "k")) o.ap_denom = RS_AP_K;
            else if (!strcmp(optarg, "relevant")) o.ap_denom = RS_AP_RELEVANT;
            else rs_usage_error("--ap-denominator: '%s' is not min, k or relevant", optarg);
            break;
        case OPT_TRAIN: train = optarg; break;
        case OPT_PER_USER: o.per_user = 1; break;
        case OPT_PREDICTIONS: predictions = optarg; break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "tsv")) format = RS_REPORT_TSV;
            else if (!strcmp(optarg, "table")) format = RS_REPORT_TABLE;
            else if (!strcmp(optarg, "json")) format = RS_REPORT_JSON;
            else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
                format = RS_REPORT_MARKDOWN;
            else rs_usage_error("--format: '%s' is not tsv, table, markdown or json", optarg);
            break;
        case OPT_JSON: format = RS_REPORT_JSON; break;
        case OPT_BEYOND: o.beyond = 1; break;
        case OPT_HEAD:
            o.head = rs_opt_double("--head", optarg, 0, 1);
            head_set = 1;
            break;
        case OPT_BASELINE: baseline = optarg; o.beyond = 1; break;
        case OPT_FEATURES: features = optarg; break;
        case OPT_MODEL: modelpath = optarg; break;
        case OPT_MODELS: models_flag = 1; break;
        case OPT_FOLDS: nfolds = (int)rs_opt_int("--folds", optarg, 1, 1000); break;
        case OPT_COMPARE:
            co.metric = rs_metric_find(optarg);
            if (co.metric < 0 || !rs_metric_per_user(co.metric))
                rs_usage_error("--compare: '%s' is not one of hitrate, "
                               "precision, recall, map, ndcg, mrr, novelty, longtail, "
                               "serendipity, diversity, attr_coverage", optarg);
            compare_set = 1;
            break;
        case OPT_REFERENCE: co.reference = optarg; compare_set = 1; break;
        case OPT_RESAMPLES:
            co.resamples = (int)rs_opt_int("--resamples", optarg, 0, 1000000);
            compare_set = 1;
            break;
        case OPT_SEED: co.seed = rs_opt_seed("--seed", optarg); compare_set = 1; break;
        case OPT_PARTIAL: partial = 1; break;
        case OPT_MERGE: merge = 1; break;
        case 'o': output = optarg; break;
        case 'v': verbose = 1; break;
        case 'h': rs_help(help);
        case 'V': rs_version();
        default: rs_usage_error("unknown option");
        }
    }
    if (merge) {
        if (partial) rs_usage_error("--partial writes a shard's sums, --merge reads them: one at a time");
        if (test || train || predictions || baseline || features || modelpath || cutoffs_set
            || o.threshold_set || o.per_user || o.beyond || o.ap_denom != RS_AP_MIN || models_flag
            || nfolds || compare_set || head_set)
            rs_usage_error("--merge takes only partial files (every option was given to "
                           "--partial), and --format, -o, -v");
        if (optind == argc) rs_usage_error("--merge: give the partial files of every shard");
        return merge_partials(argv + optind, argc - optind, format, output, verbose);
    }
    if (!test) rs_usage_error("a test set is required (-t FILE)");
    int any_named = 0;
    for (int k = optind; k < argc; k++) any_named |= named(argv[k]) != NULL;
    int table_mode = models_flag || any_named || nfolds;
    if (predictions) {
        if (optind < argc)
            rs_usage_error("--predictions reads FILE, not '%s'", argv[optind]);
        if (cutoffs_set || o.threshold_set || o.per_user || train || o.ap_denom != RS_AP_MIN)
            rs_usage_error("-k, --relevant, --ap-denominator, --train and --per-user "
                           "apply to recommendation lists, not to --predictions");
        if (o.beyond || features || modelpath || table_mode || compare_set || head_set)
            rs_usage_error("--beyond, --baseline, --features, --model, --models and --folds "
                           "apply to recommendation lists, not to --predictions");
    }
    if (partial && (predictions || o.beyond || o.per_user || table_mode))
        rs_usage_error("--partial: --predictions, --beyond, --baseline, --per-user and the "
                       "model table cannot merge from shards (man rs-eval, SHARDS)");
    o.keep_sums = partial;
    if (table_mode && o.per_user)
        rs_usage_error("--per-user prints one model's users: not with several models or --folds");
    if (!table_mode && compare_set)
        rs_usage_error("--compare, --reference, --resamples and --seed compare several models "
                       "(give NAME=RECS arguments, --models or --folds)");
    if (head_set && !o.beyond)
        rs_usage_error("--head sets longtail, which --beyond adds");
    one_stdin_reader(argc, argv, test, train, predictions, baseline);
    if (format < 0)
        format = (!output || is_dash(output)) && isatty(STDOUT_FILENO) ? RS_REPORT_TABLE
                                                                  : RS_REPORT_TSV;
    if (!nfolds) nfolds = 1;

    /* The models of the table: NAME=FILE or --models, one each; else every
     * RECS file (or standard input) together, as without a table. */
    model *models = NULL;
    int nmodels = 0;
    if (table_mode) {
        if (models_flag || any_named) {
            if (optind == argc) rs_usage_error("--models: give the models' RECS files");
            nmodels = argc - optind;
            models = rs_xcalloc((size_t)nmodels, sizeof *models);
            for (int m = 0; m < nmodels; m++) {
                const char *arg = argv[optind + m], *file = named(arg);
                models[m].name = file ? rs_xstrdup(arg) : model_name(arg);
                if (file) models[m].name[file - 1 - arg] = '\0';
                models[m].files = &argv[optind + m];
                if (file) argv[optind + m] = (char *)file;
                models[m].nfiles = 1;
                for (int j = 0; j < m; j++)
                    if (!strcmp(models[j].name, models[m].name))
                        rs_usage_error("two models are called '%s' (name them: NAME=RECS)",
                                       models[m].name);
            }
        } else {
            nmodels = 1;
            models = rs_xcalloc(1, sizeof *models);
            models[0].name = rs_xstrdup("lists");
            static char *dash = "-";
            models[0].files = optind < argc ? &argv[optind] : &dash;
            models[0].nfiles = optind < argc ? argc - optind : 1;
        }
        for (int m = 0; m < nmodels; m++)
            for (int j = 0; j < models[m].nfiles; j++) {
                if (nfolds > 1 && is_dash(models[m].files[j]))
                    rs_usage_error("--folds %d: standard input cannot be read once per fold",
                                   nfolds);
                need_percent("RECS", models[m].files[j], nfolds);
            }
        int m = co.metric;
        if (((m == RS_M_LONGTAIL || m == RS_M_SERENDIPITY) && !o.beyond) ||
            (m == RS_M_DIVERSITY && !features && !modelpath) ||
            (m == RS_M_ATTR_COVERAGE && !features))
            rs_usage_error("--compare %s: no such column in this report (diversity needs "
                           "--features or --model, attr_coverage --features, longtail and "
                           "serendipity --beyond)", rs_metric_names[m]);
        if (co.reference) {
            int found = 0;
            for (int j = 0; j < nmodels; j++) found |= !strcmp(models[j].name, co.reference);
            if (!found) rs_usage_error("--reference: no model is called '%s'", co.reference);
        }
        need_percent("-t", test, nfolds);
        need_percent("--train", train, nfolds);
        need_percent("--baseline", baseline, nfolds);
        need_percent("--model", modelpath, nfolds);
        o.per_user = 1;
    }

    rs_err e = { 0 };
    rs_outset *set = rs_outset_new();
    if (predictions)
        rs_cmd_input(set, "--predictions", predictions, "predictions",
                     "them with --predictions FILE");
    else if (!table_mode)
        rs_cmd_inputs(set, argv + optind, argc - optind, "recommendations",
                      "them as RECS files or through a pipe");
    for (int f = 1; f <= nfolds; f++) {
        for (int m = 0; m < nmodels; m++)
            for (int j = 0; j < models[m].nfiles; j++) {
                char *p = fold_path(models[m].files[j], f);
                rs_cmd_input(set, "the input", p, "recommendations",
                             "them as RECS files or through a pipe");
                free(p);
            }
        const char *opts[] = { "-t", "--train", "--baseline", "--model" };
        const char *paths[] = { test, train, baseline, modelpath };
        const char *whats[] = { "the test set", "the training set", "the baseline lists",
                                "the model" };
        for (int j = 0; j < 4; j++) {
            if (!paths[j] || (f > 1 && !strchr(paths[j], '%'))) continue;
            char *p = fold_path(paths[j], f), how[64];
            snprintf(how, sizeof how, "it with %s FILE", opts[j]);
            rs_cmd_input(set, opts[j], p, whats[j], how);
            free(p);
        }
    }
    if (features) rs_cmd_input(set, "--features", features, "item attributes", "them with --features FILE");
    rs_out *out = rs_cmd_open(set, "-o", output, 0);
    double t0 = rs_now();

    rs_features feat = { 0 };
    run x = { .test = test, .train = train, .baseline = baseline, .modelpath = modelpath,
              .o = o, .nfolds = nfolds, .verbose = verbose };
    if (table_mode) {
        if (features) {
            if (rs_features_read(features, &feat, &e) < 0) rs_cmd_fail(out, &e);
            x.feat = &feat;
        }
        run_models(&x, models, nmodels, &co, format, out);
        rs_cmd_close(out);
        if (verbose) rs_warn("read and evaluated in %.3f s", rs_now() - t0);
        for (int m = 0; m < nmodels; m++) free(models[m].name);
        free(models);
        if (features) rs_features_free(&feat);
        return 0;
    }

    /* Standard input first, to its end: only then may the test file be
     * complete, when an earlier stage of this pipe writes it. */
    rs_eval *ev = rs_eval_new();
    if (partial) rs_eval_set_shard(ev);
    if (predictions) read_file(ev, predictions, rs_eval_read_predictions, out, verbose);
    else if (optind == argc) read_file(ev, "-", rs_eval_read_recs, out, verbose);
    else
        for (int k = optind; k < argc; k++) read_file(ev, argv[k], rs_eval_read_recs, out, verbose);
    read_file(ev, test, rs_eval_read_test, out, verbose);
    if (train) read_file(ev, train, rs_eval_read_train, out, verbose);
    if (baseline) read_file(ev, baseline, rs_eval_read_baseline, out, verbose);
    factors q = { 0 };
    if (features) {
        if (rs_features_read(features, &feat, &e) < 0) rs_cmd_fail(out, &e);
        x.feat = &feat;
    }
    if (modelpath) load_factors(&q, modelpath, out);
    set_inputs(ev, &x, &q);

    rs_topn_report tr;
    rs_rated_report rr;
    if (predictions ? rs_eval_rated(ev, &rr, &e) : rs_eval_topn(ev, &o, &tr, &e))
        rs_cmd_fail(out, &e);
    if (!predictions && !partial) warn_topn(&tr, o.per_user, "");
    if (predictions && rr.missing)
        rs_warn("test pairs without a prediction: %llu (left out of rmse and mae, "
                "unranked for ndcg)", (unsigned long long)rr.missing);

    FILE *f = rs_out_file(out);
    if (predictions) rs_rated_write(f, &rr, format);
    else if (partial) rs_partial_write(f, ev, &o, &tr);
    else if (o.per_user) rs_topn_write_per_user(f, ev, &tr, format);
    else rs_topn_write(f, ev, &tr, format);
    rs_cmd_close(out);
    if (verbose) rs_warn("read and evaluated in %.3f s", rs_now() - t0);
    if (!predictions) rs_topn_report_free(&tr);
    rs_eval_free(ev);
    free_factors(&q);
    if (features) rs_features_free(&feat);
    return 0;
}
