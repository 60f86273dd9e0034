/* rs-eval: top-N metrics of recommendation lists, or RMSE/MAE/NDCG of
 * rating predictions, against a test set. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "common/err.h"
#include "eval/report.h"
#include "common/io.h"
#include "common/progress.h"

static const char help[] =
"Usage: rs-eval -t TEST [OPTION]... [RECS]...\n"
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
"      --predictions FILE  evaluate rating predictions (user<TAB>item<TAB>score,\n"
"                          rs-recommend --predict): rmse, mae and NDCG with\n"
"                          the true ratings as gains (LensKit's topn.ndcg)\n"
"      --format F          tsv, table or json (default: table on a terminal,\n"
"                          tsv otherwise)\n"
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
"\n"
"Exit status: 0 success, 1 bad data, 2 bad usage.\n";

enum { OPT_RELEVANT = 256, OPT_AP, OPT_TRAIN, OPT_PER_USER, OPT_PREDICTIONS, OPT_FORMAT, OPT_JSON };

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
                             const char *predictions)
{
    int recs_stdin = !predictions && optind == argc;
    for (int k = optind; k < argc; k++) recs_stdin |= is_dash(argv[k]);
    const char *on_stdin[4];
    int nstdin = 0;
    if (recs_stdin) on_stdin[nstdin++] = "the recommendations";
    if (predictions && is_dash(predictions)) on_stdin[nstdin++] = "--predictions -";
    if (is_dash(test)) on_stdin[nstdin++] = "-t -";
    if (train && is_dash(train)) on_stdin[nstdin++] = "--train -";
    if (nstdin > 1)
        rs_usage_error("%s and %s cannot both read standard input (name a file for one of them)",
                       on_stdin[0], on_stdin[1]);
}

/* What the figures of a top-N report hide: repeated items, lists shorter
 * than the cutoff (counted at the largest K, which has the most), and a
 * coverage over a catalogue that depends on the model. */
static void warn_topn(const rs_topn_report *r, int per_user)
{
    if (r->repeated)
        rs_warn("items repeated within a user's list: %llu (each counts once)",
                (unsigned long long)r->repeated);
    const rs_topn_row *big = &r->rows[0];
    for (int k = 1; k < r->nk; k++)
        if (r->rows[k].k > big->k) big = &r->rows[k];
    if (big->short_lists)
        rs_warn("users with a list shorter than K=%lld: %llu of %llu evaluated "
                "(precision@K still divides by K)", (long long)big->k,
                (unsigned long long)big->short_lists, (unsigned long long)r->users);
    if (!per_user && !r->catalogue_from_train)
        rs_warn("coverage is over the %llu items of the lists and the test set, which depend "
                "on the model: give --train for the training catalogue",
                (unsigned long long)r->catalogue);
}

int main(int argc, char **argv)
{
    const char *test = NULL, *train = NULL, *predictions = NULL, *output = NULL;
    int64_t ks[MAX_CUTOFFS] = { 10 };
    rs_topn_opts o = { .ks = ks, .nk = 1, .ap_denom = RS_AP_MIN };
    int format = -1, cutoffs_set = 0, verbose = 0;
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
            else rs_usage_error("--format: '%s' is not tsv, table or json", optarg);
            break;
        case OPT_JSON: format = RS_REPORT_JSON; break;
        case 'o': output = optarg; break;
        case 'v': verbose = 1; break;
        case 'h': rs_help(help);
        case 'V': rs_version();
        default: rs_usage_error("unknown option");
        }
    }
    if (!test) rs_usage_error("a test set is required (-t FILE)");
    if (predictions) {
        if (optind < argc)
            rs_usage_error("--predictions reads FILE, not '%s'", argv[optind]);
        if (cutoffs_set || o.threshold_set || o.per_user || train || o.ap_denom != RS_AP_MIN)
            rs_usage_error("-k, --relevant, --ap-denominator, --train and --per-user "
                           "apply to recommendation lists, not to --predictions");
    }
    one_stdin_reader(argc, argv, test, train, predictions);
    if (format < 0)
        format = (!output || is_dash(output)) && isatty(STDOUT_FILENO) ? RS_REPORT_TABLE
                                                                  : RS_REPORT_TSV;

    rs_err e = { 0 };
    rs_outset *set = rs_outset_new();
    if (predictions)
        rs_cmd_input(set, "--predictions", predictions, "predictions",
                     "them with --predictions FILE");
    else
        rs_cmd_inputs(set, argv + optind, argc - optind, "recommendations",
                      "them as RECS files or through a pipe");
    rs_cmd_input(set, "-t", test, "the test set", "it with -t FILE");
    if (train) rs_cmd_input(set, "--train", train, "the training set", "it with --train FILE");
    rs_out *out = rs_cmd_open(set, "-o", output, 0);
    double t0 = rs_now();

    /* Standard input first, to its end: only then may the test file be
     * complete, when an earlier stage of this pipe writes it. */
    rs_eval *ev = rs_eval_new();
    if (predictions) read_file(ev, predictions, rs_eval_read_predictions, out, verbose);
    else if (optind == argc) read_file(ev, "-", rs_eval_read_recs, out, verbose);
    else
        for (int k = optind; k < argc; k++) read_file(ev, argv[k], rs_eval_read_recs, out, verbose);
    read_file(ev, test, rs_eval_read_test, out, verbose);
    if (train) read_file(ev, train, rs_eval_read_train, out, verbose);

    rs_topn_report tr;
    rs_rated_report rr;
    if (predictions ? rs_eval_rated(ev, &rr, &e) : rs_eval_topn(ev, &o, &tr, &e))
        rs_cmd_fail(out, &e);
    if (!predictions) warn_topn(&tr, o.per_user);
    if (predictions && rr.missing)
        rs_warn("test pairs without a prediction: %llu (left out of rmse and mae, "
                "unranked for ndcg)", (unsigned long long)rr.missing);

    FILE *f = rs_out_file(out);
    if (predictions) rs_rated_write(f, &rr, format);
    else if (o.per_user) rs_topn_write_per_user(f, ev, &tr, format);
    else rs_topn_write(f, ev, &tr, format);
    rs_cmd_close(out);
    if (verbose) rs_warn("read and evaluated in %.3f s", rs_now() - t0);
    if (!predictions) rs_topn_report_free(&tr);
    rs_eval_free(ev);
    return 0;
}
