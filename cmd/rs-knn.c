/* rs-knn: a neighbour model of the user-item matrix from rs-index: the
 * input bundle plus each user's or item's k nearest neighbours (lib/model/knn.h,
 * knn_bundle.h),
 * ready for rs-recommend; or, with --neighbors, the neighbours as text. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "format/csr.h"
#include "common/err.h"
#include "format/bundle.h"
#include "common/io.h"
#include "format/layout.h"
#include "model/ease.h"
#include "model/knn.h"
#include "format/featblock.h"
#include "model/knn_bundle.h"
#include "model/rp3.h"
#include "common/progress.h"

static const char usage[] =
"Usage: rs-knn --users|--items [OPTION]... [FILE]\n"
"   or: rs-knn -a ease [--reg L] [--binary] [OPTION]... [FILE]\n"
"   or: rs-knn -a rp3 [--alpha A] [--beta B] [-k K] [--binary] [OPTION]... [FILE]\n"
"Find the k nearest neighbours of every user (--users) or every item\n"
"(--items) of the user-item matrix in FILE (from rs-index; with no FILE, or\n"
"when FILE is -, standard input) and write the matrix and the neighbour\n"
"model as one rs binary stream, ready for rs-recommend.  With -a ease, fit\n"
"the closed-form item-item model EASE instead; with -a rp3, the random-walk\n"
"item-item model RP3beta.\n"
"\n"
"  -a, --algorithm NAME   knn (default: neighbours, --users or --items),\n"
"                         ease: B = I - P diag(1/diag(P)), P = (X'X + L I)^-1\n"
"                         (Steck 2019), score(u, i) = sum over u's items j of\n"
"                         value(u, j) * B[j][i]; dense: 12 x items^2 bytes;\n"
"                         or rp3: W[i][j] = d(i)^-A d(j)^-B sum over i's users\n"
"                         u of (x[u][j] / sum of u's row)^A, d = an item's\n"
"                         users (Paudel et al. 2017, as Dacrema et al. compute\n"
"                         it), each row kept to its k best; scored as --items\n"
"      --reg L            ease: the L2 regularization L > 0 (default 100;\n"
"                         larger catalogues and denser data want larger L)\n"
"      --alpha A          rp3: the walk's probabilities ^A, A > 0 (default 1)\n"
"      --beta B           rp3: the popularity penalty, B >= 0 (default 0.6)\n"
"      --users            user-user model: users are compared by their rows;\n"
"                         score(u, i) = sum of the similarities of u's\n"
"                         neighbours who have i\n"
"      --items            item-item model: items are compared by their\n"
"                         columns; score(u, i) = sum over u's items j of\n"
"                         value(u, j) * sim(j, i), as implicit's\n"
"                         ItemItemRecommender\n"
"      --features         with --items: compare the items by their side\n"
"                         features (rs-index --item-features), not by who\n"
"                         has them: a content-only model, which also finds\n"
"                         neighbours for items without interactions\n"
"  -k, --nearest K        neighbours kept per user or item (default 20; rp3 100);\n"
"                         fewer where fewer have a positive similarity\n"
"      --sim NAME         cosine (default), jaccard (of the sets of items or\n"
"                         users), pearson (cosine of each vector minus its\n"
"                         own mean) or dot\n"
"      --binary           treat every stored value as 1 (ignore ratings)\n"
"      --weight NAME      none (default), tfidf or bm25: weight the values as\n"
"                         implicit's TFIDFRecommender / BM25Recommender do;\n"
"                         bm25 compares by dot unless --sim says otherwise\n"
"      --bm25-k1 K1       BM25's K1 (default 1.2)\n"
"      --bm25-b B         BM25's B (default 0.75)\n"
"      --score MODE       users model: sum (of similarities, default) or\n"
"                         count (of neighbours who have the item)\n"
"      --neighbors        write the neighbours as text instead of a model:\n"
"                         id<TAB>rank<TAB>neighbor<TAB>similarity\n"
"  -j, --jobs N           threads (default: all cores)\n"
"  -o, --output FILE      write FILE (complete or not at all) instead of stdout\n"
"  -z, --compress[=LEVEL] compress the blocks with zstd (LEVEL 1-19, default 3);\n"
"                         (-z9, -z 9 and --compress=9 are the same)\n"
"  -v, --verbose          print counts and the time of each phase on stderr\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"Nobody is their own neighbour.  Repeated (user, item) entries are summed.\n"
"The similarity matrix is never formed: each row is a sparse product kept\n"
"to its k best.\n"
"\n"
"Examples:\n"
"  rs-index train.tsv | rs-knn --items -k 50 | rs-recommend -n 10\n"
"  rs-knn --users -k 20 -o users.rsm train.rsm\n"
"  rs-knn --items --weight bm25 -k 100 train.rsm > bm25.rsm\n"
"  rs-knn --users --neighbors -k 5 train.rsm | head\n"
"  rs-knn -a ease --reg 200 --binary train.rsm > ease.rsm\n"
"  rs-knn -a rp3 --alpha 0.8 --beta 0.3 -k 200 train.rsm > rp3.rsm\n"
"\n"
"Exit status: 0 success, 1 bad data or I/O error, 2 bad usage.\n";

enum { OPT_USERS = 256, OPT_ITEMS, OPT_SIM, OPT_WEIGHT, OPT_K1, OPT_B, OPT_BINARY, OPT_SCORE,
       OPT_NEIGHBORS, OPT_REG, OPT_ALPHA, OPT_BETA, OPT_FEATURES };

typedef struct opts {
    const char *output, *input;
    int zlevel, verbose, threads, count, text, ease, rp3;
    uint32_t k;
    rs_knn_opts knn;
    double reg, alpha, beta;
    int features;           /* --features: items compared by their side features */
} opts;

static void run(opts *op)
{
    rs_err e = { 0 };
    /* Opened first, so a terminal is refused before any work. */
    rs_outset *set = rs_outset_new();
    rs_cmd_input(set, "the input", op->input, "a matrix (rs-index output)",
                 "it as FILE or through a pipe");
    rs_out *o = rs_cmd_open(set, "-o", op->output, !op->text);
    double t0 = rs_now();
    rs_in *in = rs_in_open(op->input, &e);
    if (!in) rs_cmd_fail(o, &e);
    rs_bundle b = { 0 };
    int rc = rs_bundle_read_expect(in, &b, "a matrix from rs-index", &e);
    rs_in_close(in);
    if (rc < 0) rs_cmd_fail(o, &e);
    rs_csr m;
    if (rs_csr_get(&b, &m, &e) < 0) rs_cmd_fail(o, &e);
    if (op->verbose)
        rs_warn("read %.3f s: %u users x %u items, %llu nonzeros", rs_now() - t0, m.rows, m.cols,
                (unsigned long long)m.nnz);
    double t1 = rs_now();
    if (op->rp3) {
        rs_progress pr;
        rs_progress_start(&pr, "rp3");
        rs_rp3_opts ro = { .alpha = op->alpha, .beta = op->beta, .k = op->k,
                           .binary = op->knn.binary, .threads = op->threads, .progress = &pr };
        rs_csr w;
        if (op->text) {
            rc = rs_rp3_weights(&m, &ro, &w, &e);
        } else {
            rs_layout_start_model(&b);
            rc = rs_rp3_fit(&m, &ro, &b, &e);
        }
        rs_progress_end(&pr);
        if (rc < 0) rs_cmd_fail(o, &e);
        if (op->verbose)
            rs_warn("rp3 %.3f s (%u items, alpha %g, beta %g, k %u, %d threads)", rs_now() - t1,
                    m.cols, op->alpha, op->beta, op->k, op->threads);
        if (op->text) {
            if (rs_knn_write_text(rs_out_file(o), &b, &w, 1, &e) < 0) rs_cmd_fail(o, &e);
            rs_csr_free(&w);
        } else {
            rs_cmd_write_bundle(o, &b, op->zlevel);
        }
        rs_bundle_free(&b);
        rs_cmd_close(o);
        return;
    }
    if (op->ease) {
        rs_progress pr;
        rs_progress_start(&pr, "ease");
        rs_ease_opts eo = { .reg = op->reg, .binary = op->knn.binary, .threads = op->threads,
                            .progress = &pr };
        rs_layout_start_model(&b);
        rc = rs_ease_fit(&m, &eo, &b, &e);
        rs_progress_end(&pr);
        if (rc < 0) rs_cmd_fail(o, &e);
        if (op->verbose) rs_warn("ease %.3f s (%u items, L = %g)", rs_now() - t1, m.cols, op->reg);
        rs_cmd_write_bundle(o, &b, op->zlevel);
        rs_bundle_free(&b);
        rs_cmd_close(o);
        return;
    }
    /* --features: the items' feature vectors as the columns compared. */
    rs_csr ft = { 0 };
    if (op->features) {
        rs_csr f;
        int got = rs_featblock_get(&b, "ifeat", m.cols, &f, &e);
        if (got < 0) rs_cmd_fail(o, &e);
        if (!got) {
            rs_errf(&e, RS_EDATA, "--features: the matrix has no item features (make it with "
                    "rs-index --item-features FILE)");
            rs_cmd_fail(o, &e);
        }
        rs_csr_transpose(&f, &ft);
    }
    rs_knn_space s;
    if (rs_knn_space_build(op->features ? &ft : &m, &op->knn, &s, &e) < 0) rs_cmd_fail(o, &e);
    rs_csr_free(&ft);
    uint32_t n = s.x.rows;
    if (n && op->k > n - 1) op->k = n - 1;
    if (op->verbose)
        rs_warn("space %.3f s: %u %s, %llu distinct entries, %.3g multiply-adds to do",
                rs_now() - t1, n, op->knn.items ? "items" : "users",
                (unsigned long long)s.x.nnz, (double)rs_knn_work(&s));
    double t2 = rs_now();
    rs_progress pr;
    rs_progress_start(&pr, "neighbours");
    rs_csr nb;
    rs_knn_run kr = { .k = op->k, .threads = op->threads, .progress = &pr };
    rc = rs_knn_neighbors(&s, &kr, &nb, &e);
    rs_progress_end(&pr);
    rs_knn_space_free(&s);
    if (rc < 0) rs_cmd_fail(o, &e);
    if (op->verbose) {
        uint32_t empty = 0, full = 0;
        for (uint32_t q = 0; q < n; q++) {
            uint64_t l = nb.indptr[q + 1] - nb.indptr[q];
            empty += l == 0;
            full += l == op->k;
        }
        rs_warn("neighbours %.3f s (%d threads): %u rows with all %u, %u with none",
                rs_now() - t2, op->threads, full, op->k, empty);
    }
    double t3 = rs_now();
    if (op->text) {
        if (rs_knn_write_text(rs_out_file(o), &b, &nb, op->knn.items, &e) < 0) rs_cmd_fail(o, &e);
        rs_csr_free(&nb);
    } else {
        rs_knn_put(&b, &nb, &op->knn, op->k, op->count);
        if (op->features) rs_meta_set(&b, "features", "1");
        rs_cmd_write_bundle(o, &b, op->zlevel);
    }
    rs_bundle_free(&b);
    rs_cmd_close(o);
    if (op->verbose) rs_warn("write %.3f s", rs_now() - t3);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "algorithm", required_argument, NULL, 'a' },
        { "reg", required_argument, NULL, OPT_REG },
        { "alpha", required_argument, NULL, OPT_ALPHA },
        { "beta", required_argument, NULL, OPT_BETA },
        { "features", no_argument, NULL, OPT_FEATURES },
        { "users", no_argument, NULL, OPT_USERS },
        { "items", no_argument, NULL, OPT_ITEMS },
        { "nearest", required_argument, NULL, 'k' },
        { "sim", required_argument, NULL, OPT_SIM },
        { "weight", required_argument, NULL, OPT_WEIGHT },
        { "bm25-k1", required_argument, NULL, OPT_K1 },
        { "bm25-b", required_argument, NULL, OPT_B },
        { "binary", no_argument, NULL, OPT_BINARY },
        { "score", required_argument, NULL, OPT_SCORE },
        { "neighbors", no_argument, NULL, OPT_NEIGHBORS },
        { "neighbours", no_argument, NULL, OPT_NEIGHBORS },
        { "jobs", required_argument, NULL, 'j' },
        { "output", required_argument, NULL, 'o' },
        { "compress", optional_argument, NULL, 'z' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    opts op = { .k = 20, .reg = 100, .alpha = RS_RP3_ALPHA, .beta = RS_RP3_BETA };
    rs_knn_defaults(&op.knn);
    int users = 0, items = 0, sim_set = 0, score_set = 0, bm25_set = 0, k_set = 0, reg_set = 0,
        knn_only = 0, rp3_set = 0, c;
    while ((c = rs_getopt(argc, argv, "a:k:j:o:z::vhV", longopts)) != -1) {
        switch (c) {
        case 'a':
            if (strcmp(optarg, "knn") && strcmp(optarg, "ease") && strcmp(optarg, "rp3"))
                rs_usage_error("-a: '%s' is not one of knn, ease, rp3", optarg);
            op.ease = !strcmp(optarg, "ease");
            op.rp3 = !strcmp(optarg, "rp3");
            break;
        case OPT_REG: op.reg = rs_opt_double("--reg", optarg, 1e-300, 1e300); reg_set = 1; break;
        case OPT_ALPHA: op.alpha = rs_opt_double("--alpha", optarg, 1e-300, 1e300); rp3_set = 1; break;
        case OPT_BETA: op.beta = rs_opt_double("--beta", optarg, 0, 1e300); rp3_set = 1; break;
        case OPT_USERS: users = 1; break;
        case OPT_ITEMS: items = 1; break;
        case OPT_FEATURES: op.features = 1; break;
        case 'k': op.k = (uint32_t)rs_opt_int("-k", optarg, 1, UINT32_MAX); k_set = 1; break;
        case OPT_SIM:
            if ((op.knn.sim = rs_knn_sim_parse(optarg)) < 0)
                rs_usage_error("--sim: '%s' is not one of cosine, jaccard, pearson, dot", optarg);
            sim_set = 1;
            break;
        case OPT_WEIGHT:
            if ((op.knn.weight = rs_knn_weight_parse(optarg)) < 0)
                rs_usage_error("--weight: '%s' is not one of none, tfidf, bm25", optarg);
            break;
        case OPT_K1: op.knn.bm25_k1 = rs_opt_double("--bm25-k1", optarg, 0, 1e9); bm25_set = 1; break;
        case OPT_B: op.knn.bm25_b = rs_opt_double("--bm25-b", optarg, 0, 1); bm25_set = 1; break;
        case OPT_BINARY: op.knn.binary = 1; break;
        case OPT_SCORE:
            if (strcmp(optarg, "sum") && strcmp(optarg, "count"))
                rs_usage_error("--score: '%s' is not one of sum, count", optarg);
            op.count = !strcmp(optarg, "count");
            score_set = 1;
            break;
        case OPT_NEIGHBORS: op.text = 1; knn_only = 1; break;
        case 'j': op.threads = rs_opt_jobs(optarg); break;
        case 'o': op.output = optarg; break;
        case 'z': op.zlevel = rs_opt_zlevel_getopt(optarg, argc, argv); break;
        case 'v': op.verbose = 1; break;
        case 'h': rs_help(usage);
        case 'V': rs_version();
        }
    }
    if (op.rp3) {
        if (users || sim_set || score_set || bm25_set || op.knn.weight)
            rs_usage_error("-a rp3 is an item-item model of its own: --users, --sim, --weight, "
                           "--bm25-* and --score are for -a knn");
        if (reg_set) rs_usage_error("--reg is for -a ease");
        if (op.text && op.zlevel) rs_usage_error("--compress is for the binary model, not --neighbors");
        if (!k_set) op.k = RS_RP3_K;
        if (argc - optind > 1) rs_usage_error("one input at most, not %d", argc - optind);
        op.input = optind < argc ? argv[optind] : NULL;
        op.threads = op.threads ? op.threads : rs_threads_default();
        run(&op);
        return 0;
    }
    if (rp3_set) rs_usage_error("--alpha and --beta are for -a rp3");
    if (op.ease) {
        knn_only |= users || k_set || sim_set || score_set || bm25_set || op.knn.weight;
        if (knn_only)
            rs_usage_error("-a ease is an item-item model of its own: --users, -k, --sim, "
                           "--weight, --bm25-*, --score and --neighbors are for -a knn");
        if (argc - optind > 1) rs_usage_error("one input at most, not %d", argc - optind);
        op.input = optind < argc ? argv[optind] : NULL;
        op.threads = op.threads ? op.threads : rs_threads_default();
        run(&op);
        return 0;
    }
    if (reg_set) rs_usage_error("--reg is for -a ease");
    if (users == items) rs_usage_error("say which neighbours: --users or --items (one of them)");
    op.knn.items = items;
    if (score_set && items) rs_usage_error("--score is for --users models");
    if (op.features && !items) rs_usage_error("--features compares items: it needs --items");
    if (bm25_set && op.knn.weight != RS_KNN_BM25) rs_usage_error("--bm25-k1/--bm25-b need --weight bm25");
    if (op.text && op.zlevel) rs_usage_error("--compress is for the binary model, not --neighbors");
    /* implicit's BM25Recommender ranks by the plain dot of the weighted columns. */
    if (op.knn.weight == RS_KNN_BM25 && !sim_set) op.knn.sim = RS_KNN_DOT;
    rs_err e = { 0 };
    if (rs_knn_check(&op.knn, &e) < 0) rs_usage_error("%s", e.msg);
    if (argc - optind > 1) rs_usage_error("one input at most, not %d", argc - optind);
    op.input = optind < argc ? argv[optind] : NULL;
    /* No BLAS here (so no rs_blas_threads, which would load OpenBLAS):
     * every core is ours. */
    op.threads = op.threads ? op.threads : rs_threads_default();
    run(&op);
    return 0;
}
