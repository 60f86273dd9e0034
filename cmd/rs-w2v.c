/* rs-w2v: item2vec: word2vec (negative sampling, skip-gram or CBOW, as
 * gensim's Word2Vec) over each user's sequence of items (lib/model/w2v.h); writes
 * the input bundle plus the vectors, ready for rs-recommend, or the vectors
 * in the word2vec text format. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "format/idmap_block.h"
#include "format/csr.h"
#include "common/err.h"
#include "format/bundle.h"
#include "common/idmap.h"
#include "common/io.h"
#include "common/progress.h"
#include "prep/ratings.h"
#include "model/w2v.h"
#include "cli/validate.h"

static const char usage[] =
"Usage: rs-w2v [OPTION]... [FILE]...\n"
"Train item2vec: word2vec with negative sampling over each user's items as\n"
"one sentence, with gensim's Word2Vec parameters and defaults.  Input is\n"
"canonical TSV (user<TAB>item[<TAB>rating[<TAB>timestamp]]) from the FILEs,\n"
"or one matrix from rs-index; a user's sequence is her items in input order.\n"
"With no FILE, or when FILE is -, read standard input.  Writes the matrix and\n"
"the model as one rs binary stream, ready for rs-recommend.\n"
"\n"
"Model (gensim's names and defaults):\n"
"      --sg               skip-gram (default: CBOW)\n"
"      --cbow             CBOW (the default)\n"
"  -k, --vector-size D    dimensions of the vectors (default 100)\n"
"      --window W         items on each side of the centre, before the\n"
"                         random shrinking (default 5)\n"
"      --shrink-windows 0|1  1: shrink each window by a random 0..W-1\n"
"                         (default), 0: use whole windows\n"
"      --min-count C      ignore items seen fewer than C times (default 5)\n"
"      --negative K       negative samples per prediction (default 5)\n"
"      --ns-exponent X    noise distribution: count^X (default 0.75; may be\n"
"                         negative, which favours rare items)\n"
"      --sample S         down-sample items more frequent than S (default\n"
"                         1e-3; 0 keeps all)\n"
"      --alpha A          initial learning rate (default 0.025)\n"
"      --min-alpha A      final learning rate, reached linearly (default 0.0001)\n"
"      --epochs E         passes over the data (default 5)\n"
"      --cbow-mean 0|1    CBOW and scoring: 1 mean of the context vectors\n"
"                         (default), 0 their sum\n"
"      --seed S           random seed (default 1)\n"
"      --order ORDER      input: each user's items in input order (default);\n"
"                         time: sorted by timestamp (ties in input order)\n"
"\n"
"Early stopping:\n"
"      --validate FILE    after each epoch compute --metric of the model's top\n"
"                         lists (ranked as rs-recommend ranks them, training\n"
"                         items left out) against FILE's (user, item) pairs\n"
"      --metric NAME      ndcg@K or map@K (default ndcg@10)\n"
"      --patience N       stop after N epochs without a better metric and keep\n"
"                         the best epoch's vectors (the learning rate still\n"
"                         decays over all --epochs)\n"
"      --curve FILE       write epoch, valid_METRIC, seconds as TSV\n"
"\n"
"Output:\n"
"      --export word2vec  write the input vectors of the vocabulary in the\n"
"                         word2vec text format (\"n d\", then \"id v1 .. vd\")\n"
"                         instead of the model\n"
"  -o, --output FILE      write FILE (complete or not at all) instead of stdout\n"
"  -z, --compress[=LEVEL] compress the blocks with zstd (LEVEL 1-19, default 3);\n"
"                         (-z9, -z 9 and --compress=9 are the same)\n"
"  -j, --jobs N           threads (default: all cores); -j 1 gives the same\n"
"                         model for the same input and seed\n"
"  -v, --verbose          print counts, times and speed on stderr\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"rs-recommend scores a user as gensim's predict_output_word: the softmax of\n"
"the mean of her known items' input vectors times the output vectors.\n"
"\n"
"Examples:\n"
"  rs-w2v --sg --epochs 10 train.tsv | rs-recommend -n 10 | rs-eval -t test.tsv\n"
"  rs-index train.tsv | rs-w2v -j 1 --seed 7 -o model.rsm\n"
"  rs-w2v --export word2vec --min-count 1 train.tsv > vectors.txt\n"
"  rs-w2v --sg --epochs 50 -j 1 --validate test.tsv --metric map@10 --patience 5 \\\n"
"      --curve w2v-curve.tsv train.tsv > w2v.rsm\n"
"\n"
"Exit status: 0 success, 1 bad data or I/O error, 2 bad usage.\n";

enum { OPT_SG = 256, OPT_CBOW, OPT_WINDOW, OPT_MIN_COUNT, OPT_NEGATIVE, OPT_NS_EXP, OPT_SAMPLE,
       OPT_ALPHA, OPT_MIN_ALPHA, OPT_EPOCHS, OPT_CBOW_MEAN, OPT_SHRINK, OPT_SEED, OPT_ORDER, OPT_EXPORT,
       OPT_SIMD, OPT_VALIDATE, OPT_METRIC, OPT_PATIENCE, OPT_CURVE };

typedef struct opts {
    const char *output;
    char **inputs;
    int ninputs, zlevel, verbose, time_order, export;
    rs_w2v_opts w;
    const char *validate, *curve;   /* early stopping (model/early.h) */
    int vmetric, vk, patience;
} opts;

/* The training matrix in b, from one rs-index matrix or from TSV. */
static void read_input(const opts *op, rs_out *o, rs_bundle *b, rs_err *e)
{
    const char *first = op->ninputs ? op->inputs[0] : "-";
    rs_in *in = rs_in_open(first, e);
    if (!in) rs_cmd_fail(o, e);
    int bin = rs_in_is_binary(in, e);
    if (bin < 0) rs_cmd_fail(o, e);
    if (bin) {
        if (op->ninputs > 1) {
            rs_in_close(in);
            rs_errf(e, RS_EUSAGE, "a matrix from rs-index comes alone, not with %d other inputs",
                    op->ninputs - 1);
            rs_cmd_fail(o, e);
        }
        int rc = rs_bundle_read(in, b, e);
        rs_in_close(in);
        if (rc < 0) rs_cmd_fail(o, e);
        return;
    }
    rs_ratings rt;
    rs_ratings_init(&rt);
    int rc = rs_ratings_read_tsv(in, &rt, 1, e);
    rs_in_close(in);
    for (int k = 1; rc == 0 && k < op->ninputs; k++) {
        if (!(in = rs_in_open(op->inputs[k], e))) rs_cmd_fail(o, e);
        rc = rs_ratings_read_tsv(in, &rt, 1, e);
        rs_in_close(in);
    }
    if (rc < 0) rs_cmd_fail(o, e);
    if (rt.n == 0) {
        rs_errf(e, RS_EDATA, "%s: no interactions in input",
                op->ninputs > 1 ? "all inputs" : strcmp(first, "-") ? first : "(stdin)");
        rs_cmd_fail(o, e);
    }
    /* The same bundle as rs-index would write, so the model holds what
     * rs-recommend needs whichever way it came. */
    rs_meta_set(b, "kind", "matrix");
    rs_meta_set(b, "columns", rt.t ? "4" : rt.r ? "3" : "2");
    rs_idmap_put(rt.users, b, "users");
    rs_idmap_put(rt.items, b, "items");
    rs_csr m;
    rs_csr_from_ratings(&m, &rt);
    rs_ratings_free(&rt);
    rs_csr_put(&m, b, 1);
}

static void run(opts *op)
{
    rs_err e = { 0 };
    /* Opened first, so a terminal is refused before any work. */
    rs_outset *set = rs_outset_new();
    rs_cmd_inputs(set, op->inputs, op->ninputs, "interactions (canonical TSV or a matrix)",
                  "them as FILE arguments or through a pipe");
    if (op->validate)
        rs_cmd_input(set, "--validate", op->validate, "validation pairs (canonical TSV)",
                     "them with --validate FILE");
    rs_out *o = rs_cmd_open(set, "-o", op->output, !op->export);
    rs_valid_run rk = { .unit = "epoch", .verbose = op->verbose };
    if (op->curve) rk.curve = rs_out_file(rs_cmd_open(set, "--curve", op->curve, 0));
    double t0 = rs_now();
    rs_bundle b = { 0 };
    read_input(op, o, &b, &e);
    rs_csr m;
    if (rs_csr_get(&b, &m, &e) < 0) rs_cmd_fail(o, &e);
    rs_csr sorted = { 0 };
    const rs_csr *seq = &m;
    if (op->time_order) {
        if (!m.times) {
            rs_errf(&e, RS_EDATA, "--order time: the input has no timestamps");
            rs_cmd_fail(o, &e);
        }
        rs_w2v_time_order(&m, &sorted);
        seq = &sorted;
    }
    if (op->verbose)
        rs_warn("read %.3f s: %u users x %u items, %llu interactions", rs_now() - t0, m.rows,
                m.cols, (unsigned long long)m.nnz);
    double t1 = rs_now();
    int best = (int)op->w.epochs;
    if (op->validate) {
        if (rs_valid_run_start(&rk, op->validate, &b, &m, op->vmetric, op->vk, op->w.threads, &e) < 0)
            rs_cmd_fail(o, &e);
        op->w.validate = rs_valid_run_score;
        op->w.vctx = &rk;
        op->w.patience = op->patience;
        op->w.best_epoch = &best;
    }
    rs_progress pr;
    rs_progress_start(&pr, op->w.sg ? "skip-gram" : "cbow");
    rs_w2v w;
    int rc = rs_w2v_train(seq, &op->w, &pr, &w, &e);
    rs_progress_end(&pr);
    if (op->validate) rs_valid_run_end(&rk, rc == 0 ? op->patience : 0, best, (int)op->w.epochs, "--epochs");
    if (op->time_order) rs_csr_free(&sorted);
    if (rc < 0) rs_cmd_fail(o, &e);
    double el = rs_now() - t1;
    if (op->verbose)
        rs_warn("trained %.3f s (%d threads, %s): vocabulary %u of %u items, %llu items x %u "
                "epochs, %llu after down-sampling, %.0f items/s",
                el, op->w.threads, w.kernel, w.vocab, w.items, (unsigned long long)w.words,
                op->w.epochs, (unsigned long long)w.trained,
                el > 0 ? (double)w.words * op->w.epochs / el : 0.0);
    double t2 = rs_now();
    if (op->export) {
        rs_block *ib = rs_bundle_need(&b, "items", RS_STR, m.cols, 1, &e);
        if (!ib) rs_cmd_fail(o, &e);
        const char **ids = rs_block_strs(ib);
        rc = rs_w2v_write_text(rs_out_file(o), &w, ids, &e);
        free(ids);
        rs_w2v_free(&w);
        if (rc < 0) {
            rs_err why = { 0 };     /* a write error: named by the output */
            rs_cmd_fail(o, rs_out_check(o, &why) < 0 ? &why : &e);
        }
    } else {
        rs_w2v_put(&w, &op->w, op->time_order ? "time" : "input", &b);
        rs_cmd_write_bundle(o, &b, op->zlevel);
    }
    rs_bundle_free(&b);
    rs_cmd_close(o);
    if (op->verbose) rs_warn("write %.3f s", rs_now() - t2);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "sg", no_argument, NULL, OPT_SG },
        { "cbow", no_argument, NULL, OPT_CBOW },
        { "vector-size", required_argument, NULL, 'k' },
        { "window", required_argument, NULL, OPT_WINDOW },
        { "min-count", required_argument, NULL, OPT_MIN_COUNT },
        { "negative", required_argument, NULL, OPT_NEGATIVE },
        { "ns-exponent", required_argument, NULL, OPT_NS_EXP },
        { "sample", required_argument, NULL, OPT_SAMPLE },
        { "alpha", required_argument, NULL, OPT_ALPHA },
        { "min-alpha", required_argument, NULL, OPT_MIN_ALPHA },
        { "epochs", required_argument, NULL, OPT_EPOCHS },
        { "cbow-mean", required_argument, NULL, OPT_CBOW_MEAN },
        { "shrink-windows", required_argument, NULL, OPT_SHRINK },
        { "seed", required_argument, NULL, OPT_SEED },
        { "order", required_argument, NULL, OPT_ORDER },
        { "export", required_argument, NULL, OPT_EXPORT },
        { "simd", required_argument, NULL, OPT_SIMD },   /* for tests: the baseline code */
        { "validate", required_argument, NULL, OPT_VALIDATE },
        { "metric", required_argument, NULL, OPT_METRIC },
        { "patience", required_argument, NULL, OPT_PATIENCE },
        { "curve", required_argument, NULL, OPT_CURVE },
        { "jobs", required_argument, NULL, 'j' },
        { "output", required_argument, NULL, 'o' },
        { "compress", optional_argument, NULL, 'z' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    opts op = { 0 };
    rs_w2v_defaults(&op.w);
    op.vmetric = RS_VALID_NDCG;
    op.vk = 10;
    op.w.threads = 0;
    int c;
    while ((c = rs_getopt(argc, argv, "k:j:o:z::vhV", longopts)) != -1) {
        switch (c) {
        case OPT_SG: op.w.sg = 1; break;
        case OPT_CBOW: op.w.sg = 0; break;
        case 'k': op.w.dim = (uint32_t)rs_opt_int("--vector-size", optarg, 1, 10000); break;
        case OPT_WINDOW: op.w.window = (uint32_t)rs_opt_int("--window", optarg, 1, 100000); break;
        case OPT_MIN_COUNT: op.w.min_count = (uint64_t)rs_opt_int("--min-count", optarg, 0, INT64_MAX); break;
        case OPT_NEGATIVE: op.w.negative = (uint32_t)rs_opt_int("--negative", optarg, 1, 1000); break;
        case OPT_NS_EXP: op.w.ns_exponent = rs_opt_double("--ns-exponent", optarg, -100, 100); break;
        case OPT_SAMPLE: op.w.sample = rs_opt_double("--sample", optarg, 0, 1e300); break;
        case OPT_ALPHA: op.w.alpha = rs_opt_double("--alpha", optarg, 1e-300, 10); break;
        case OPT_MIN_ALPHA: op.w.min_alpha = rs_opt_double("--min-alpha", optarg, 0, 10); break;
        case OPT_EPOCHS: op.w.epochs = (uint32_t)rs_opt_int("--epochs", optarg, 1, 1000000); break;
        case OPT_CBOW_MEAN: op.w.cbow_mean = (int)rs_opt_int("--cbow-mean", optarg, 0, 1); break;
        case OPT_SHRINK:
            op.w.shrink_windows = (int)rs_opt_int("--shrink-windows", optarg, 0, 1);
            break;
        case OPT_SEED: op.w.seed = rs_opt_seed("--seed", optarg); break;
        case OPT_VALIDATE: op.validate = optarg; break;
        case OPT_METRIC:
            if (rs_valid_metric_parse(optarg, &op.vmetric, &op.vk) < 0)
                rs_usage_error("--metric: '%s' is not ndcg@K or map@K (K 1..10000)", optarg);
            break;
        case OPT_PATIENCE: op.patience = (int)rs_opt_int("--patience", optarg, 1, 1 << 24); break;
        case OPT_CURVE: op.curve = optarg; break;
        case OPT_ORDER:
            if (strcmp(optarg, "input") && strcmp(optarg, "time"))
                rs_usage_error("--order: '%s' is not one of input, time", optarg);
            op.time_order = !strcmp(optarg, "time");
            break;
        case OPT_EXPORT:
            if (strcmp(optarg, "word2vec"))
                rs_usage_error("--export: '%s' is not a known format (word2vec)", optarg);
            op.export = 1;
            break;
        case OPT_SIMD:
            if (strcmp(optarg, "auto") && strcmp(optarg, "sse"))
                rs_usage_error("--simd: '%s' is not one of auto, sse", optarg);
            op.w.simd = !strcmp(optarg, "sse");
            break;
        case 'j': op.w.threads = rs_opt_jobs(optarg); break;
        case 'o': op.output = optarg; break;
        case 'z': op.zlevel = rs_opt_zlevel_getopt(optarg, argc, argv); break;
        case 'v': op.verbose = 1; break;
        case 'h': rs_help(usage);
        case 'V': rs_version();
        default:    /* rs_getopt has reported anything unknown */
            return RS_EUSAGE;
        }
    }
    if (op.export && op.zlevel) rs_usage_error("--compress is for the binary model, not --export");
    if ((op.patience || op.curve) && !op.validate)
        rs_usage_error("--%s needs --validate FILE (the metric it is about)", op.patience ? "patience" : "curve");
    op.w.threads = op.w.threads ? op.w.threads : rs_threads_default();
    rs_err e = { 0 };
    if (rs_w2v_check(&op.w, &e) < 0) rs_usage_error("%s", e.msg);
    op.inputs = argv + optind;
    op.ninputs = argc - optind;
    run(&op);
    return 0;
}
