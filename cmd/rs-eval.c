/* rs-eval: top-N metrics of recommendation lists, or RMSE/MAE/NDCG of
 * rating predictions, against a test set. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "err.h"
#include "eval.h"
#include "io.h"

static const char help[] =
"Usage: rs-eval -t TEST [OPTIONS] [RECS...]\n"
"       rs-eval --predictions FILE -t TEST [OPTIONS]\n"
"Evaluate recommendation lists (user<TAB>rank<TAB>item<TAB>score, from RECS or\n"
"standard input) against a test set (canonical TSV user<TAB>item[<TAB>rating]).\n"
"Reports, for each cutoff K: hitrate, precision, recall, map, ndcg, mrr,\n"
"coverage and novelty @K, averaged over the test users.  The test file is\n"
"opened only after the recommendations have been read to the end, so it may\n"
"be written by an earlier stage of the same pipe.\n"
"\n"
"  -t, --test FILE         test set (required)\n"
"  -k, --cutoffs LIST      comma-separated cutoffs K (default 10)\n"
"      --relevant X        relevant items are test items rated >= X\n"
"                          (default: every test item)\n"
"      --ap-denominator D  divide AP@K by min (min(K, |relevant|), default),\n"
"                          k (K, as the reference notebooks) or relevant\n"
"      --train FILE        training set: popularity for novelty, catalogue\n"
"                          for coverage (without it novelty is nan)\n"
"      --per-user          one line per user and cutoff instead of the means\n"
"      --predictions FILE  evaluate rating predictions (user<TAB>item<TAB>score,\n"
"                          rs-recommend --predict): rmse, mae and NDCG with\n"
"                          the true ratings as gains (LensKit's topn.ndcg)\n"
"      --format F          tsv, table or json (default: table on a terminal,\n"
"                          tsv otherwise)\n"
"      --json              same as --format json\n"
"  -o, --output FILE       write the report to FILE (default stdout)\n"
"  -h, --help              this help\n"
"  -V, --version           version\n"
"\n"
"Users in the test set without recommendations count as zeros; users with\n"
"recommendations but no test line are ignored; both are counted in the report.\n"
"Definitions and worked examples: man rs-eval.\n"
"\n"
"Examples:\n"
"  rs-filter --min-rating 4 ratings.csv | rs-split --last 5 -t test.tsv \\\n"
"    | rs-index | rs-svd -k 50 | rs-recommend -n 10 | rs-eval -t test.tsv -k 10\n"
"  rs-eval -t test.tsv --train train.tsv --json recs.tsv\n"
"  rs-recommend --predict test.tsv < model.rs > pred.tsv\n"
"  rs-eval --predictions pred.tsv -t test.tsv\n";

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
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
};

#define MAX_CUTOFFS 64

static void read_file(rs_eval *ev, const char *path,
                      int (*reader)(rs_eval *, rs_in *, rs_err *))
{
    rs_err e = { 0 };
    rs_in *in = rs_in_open(path, &e);
    if (!in || reader(ev, in, &e) < 0) rs_die_err(&e);
    rs_in_close(in);
}

int main(int argc, char **argv)
{
    const char *test = NULL, *train = NULL, *predictions = NULL, *output = NULL;
    int64_t ks[MAX_CUTOFFS] = { 10 };
    rs_topn_opts o = { .ks = ks, .nk = 1, .ap_denom = RS_AP_MIN };
    int format = -1, cutoffs_set = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":t:k:o:hV", longopts, NULL)) != -1) {
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
        case 'h': rs_help(help);
        case 'V': rs_version();
        case ':': rs_usage_error("option '%s' needs an argument", argv[optind - 1]);
        default:
            if (optopt) rs_usage_error("unknown option -- '%c'", optopt);
            rs_usage_error("unknown option '%s'", argv[optind - 1]);
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
    if (format < 0)
        format = !output && isatty(STDOUT_FILENO) ? RS_REPORT_TABLE : RS_REPORT_TSV;

    /* Standard input first, to its end: only then may the test file be
     * complete, when an earlier stage of this pipe writes it. */
    rs_eval *ev = rs_eval_new();
    if (predictions) read_file(ev, predictions, rs_eval_read_predictions);
    else if (optind == argc) read_file(ev, "-", rs_eval_read_recs);
    else for (int k = optind; k < argc; k++) read_file(ev, argv[k], rs_eval_read_recs);
    read_file(ev, test, rs_eval_read_test);
    if (train) read_file(ev, train, rs_eval_read_train);

    rs_err e = { 0 };
    rs_topn_report tr;
    rs_rated_report rr;
    if (predictions ? rs_eval_rated(ev, &rr, &e) : rs_eval_topn(ev, &o, &tr, &e)) rs_die_err(&e);
    if (!predictions && tr.repeated)
        rs_warn("items repeated within a user's list: %llu (each counts once)",
                (unsigned long long)tr.repeated);
    if (predictions && rr.missing)
        rs_warn("test pairs without a prediction: %llu (left out of rmse and mae, "
                "unranked for ndcg)", (unsigned long long)rr.missing);

    rs_out *out = rs_out_open(output, 0, &e);
    if (!out) rs_die_err(&e);
    FILE *f = rs_out_file(out);
    if (predictions) rs_rated_write(f, &rr, format);
    else if (o.per_user) rs_topn_write_per_user(f, ev, &tr, format);
    else rs_topn_write(f, ev, &tr, format);
    if (rs_out_close(out, &e) < 0) {
        if (e.msg[0]) rs_die_err(&e);
        return 1;
    }
    if (!predictions) rs_topn_report_free(&tr);
    rs_eval_free(ev);
    return 0;
}
