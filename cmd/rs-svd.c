/* rs-svd: a factor model of the user-item matrix from rs-index: the input
 * bundle plus the model's blocks (user_factors, item_factors, ...), ready
 * for rs-recommend.  -a picks the algorithm; each one is a library call
 * (lib/svd.h for the truncated SVD). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "csr.h"
#include "err.h"
#include "fmt.h"
#include "io.h"
#include "progress.h"
#include "svd.h"

static const char usage[] =
"Usage: rs-svd [OPTION]... [FILE]\n"
"Learn a factor model of the user-item matrix in FILE (from rs-index; with no\n"
"FILE, or when FILE is -, standard input) and write the matrix and the model\n"
"as one rs binary stream, ready for rs-recommend.\n"
"\n"
"  -a, --algorithm NAME   svd: truncated SVD (randomized block Krylov, as\n"
"                         scipy's svds computes it) (default svd)\n"
"  -k, --factors K        factors (singular triplets), 1 to min(users, items)\n"
"                         (default 50)\n"
"      --center MODE      none|global|user|item: subtract the mean of the whole\n"
"                         dense matrix, of each user's row or of each item's\n"
"                         column (missing entries count as 0) from every\n"
"                         entry before the SVD; the model adds it back as\n"
"                         biases (default none)\n"
"      --oversample P     extra columns per block of the range finder (default 10)\n"
"      --power Q          power iterations; all iterates are kept, so the basis\n"
"                         has (Q+1)(K+P) columns (default 6)\n"
"      --seed S           seed of the random test matrix (default 42)\n"
"  -j, --jobs N           threads (default: all cores)\n"
"  -o, --output FILE      write FILE (complete or not at all) instead of stdout\n"
"  -z, --compress[=LEVEL] compress the blocks with zstd (LEVEL 1-19, default 3);\n"
"                         note: -z takes a level only attached, as in -z9\n"
"  -v, --verbose          print the time of each phase and the singular values\n"
"                         on stderr\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"The model keeps U sqrt(S) as user factors and V sqrt(S) as item factors, and\n"
"S; score(u, i) = user_factors[u] . item_factors[i] + the biases.\n"
"\n"
"Examples:\n"
"  rs-index train.tsv | rs-svd -k 50 > model.rsm\n"
"  rs-svd -k 20 --center user -o model.rsm train.rsm\n"
"  rs-svd -k 10 train.rsm | rs-index --block sigma\n"
"\n"
"Exit status: 0 success, 1 bad data or I/O error, 2 bad usage (including a K\n"
"larger than the matrix allows).\n";

enum { OPT_CENTER = 256, OPT_OVERSAMPLE, OPT_POWER, OPT_SEED };

typedef struct opts {
    const char *output, *input;
    int zlevel, verbose, threads;
    rs_svd_opts svd;
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
    rs_progress_start(&pr, "svd");
    so.progress = &pr;
    int rc = rs_svd_compute(m, &so, &s, e);
    rs_progress_end(&pr);
    if (rc < 0) return -1;
    if (op->verbose) {
        rs_warn("range finder %.3f s", s.t_range);
        rs_warn("power iterations %.3f s (%d passes over the nonzeros, basis of %d columns)",
                s.t_power, s.passes, s.basis);
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
    rs_svd_put(&s, &so, b);
    rs_svd_free(&s);
    return 0;
}

static const algo algos[] = {
    { "svd", fit_svd },
};

static const algo *find_algo(const char *name)
{
    for (size_t k = 0; k < sizeof algos / sizeof algos[0]; k++)
        if (!strcmp(algos[k].name, name)) return &algos[k];
    return NULL;
}

_Noreturn static void fail(rs_out *o, const rs_err *e)
{
    rs_out_abort(o);
    if (e->msg[0]) rs_die_err(e);
    exit(e->code ? e->code : RS_EDATA);
}

static void run(const opts *op, const algo *a)
{
    rs_err e = { 0 };
    /* Opened first, so a terminal is refused before any work. */
    rs_out *o = rs_out_open(op->output, 1, &e);
    if (!o) rs_die_err(&e);
    double t0 = rs_now();
    rs_in *in = rs_in_open(op->input, &e);
    if (!in) fail(o, &e);
    rs_bundle b = { 0 };
    int rc = rs_bundle_read_expect(in, &b, "a matrix from rs-index", &e);
    rs_in_close(in);
    if (rc < 0) fail(o, &e);
    rs_csr m;
    if (rs_csr_get(&b, &m, &e) < 0) fail(o, &e);
    if (op->verbose)
        rs_warn("read %.3f s: %u users x %u items, %llu nonzeros", rs_now() - t0, m.rows, m.cols,
                (unsigned long long)m.nnz);
    if (a->fit(op, &m, &b, &e) < 0) fail(o, &e);
    double t1 = rs_now();
    if (rs_bundle_write(rs_out_file(o), &b, op->zlevel, &e) < 0) {
        if (errno == EPIPE) e.msg[0] = '\0';     /* the reader left: no words needed */
        fail(o, &e);
    }
    rs_bundle_free(&b);
    if (rs_out_close(o, &e) < 0) {
        if (e.msg[0]) rs_die_err(&e);
        exit(RS_EDATA);
    }
    if (op->verbose) rs_warn("write %.3f s", rs_now() - t1);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "algorithm", required_argument, NULL, 'a' },
        { "factors", required_argument, NULL, 'k' },
        { "center", required_argument, NULL, OPT_CENTER },
        { "oversample", required_argument, NULL, OPT_OVERSAMPLE },
        { "power", required_argument, NULL, OPT_POWER },
        { "seed", required_argument, NULL, OPT_SEED },
        { "jobs", required_argument, NULL, 'j' },
        { "output", required_argument, NULL, 'o' },
        { "compress", optional_argument, NULL, 'z' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    opts op = { 0 };
    rs_svd_defaults(&op.svd);
    const char *aname = "svd";
    int c;
    while ((c = getopt_long(argc, argv, "a:k:j:o:z::vhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'a': aname = optarg; break;
        case 'k': op.svd.k = (int)rs_opt_int("-k", optarg, 1, 1 << 20); break;
        case OPT_CENTER:
            if ((op.svd.center = rs_svd_center_parse(optarg)) < 0)
                rs_usage_error("--center: '%s' is not one of none, global, user, item", optarg);
            break;
        case OPT_OVERSAMPLE: op.svd.oversample = (int)rs_opt_int("--oversample", optarg, 0, 1 << 20); break;
        case OPT_POWER: op.svd.power = (int)rs_opt_int("--power", optarg, 0, 1000); break;
        case OPT_SEED: op.svd.seed = rs_opt_seed("--seed", optarg); break;
        case 'j': op.threads = (int)rs_opt_int("-j", optarg, 0, 1024); break;
        case 'o': op.output = optarg; break;
        case 'z': op.zlevel = optarg ? (int)rs_opt_int("--compress", optarg, 1, 19) : 3; break;
        case 'v': op.verbose = 1; break;
        case 'h': rs_help(usage);
        case 'V': rs_version();
        default:    /* getopt_long has said what is wrong */
            fprintf(stderr, "Try '%s --help' for more information.\n", rs_prog());
            return RS_EUSAGE;
        }
    }
    const algo *a = find_algo(aname);
    if (!a) rs_usage_error("-a: unknown algorithm '%s' (this build knows svd)", aname);
    if (argc - optind > 1) rs_usage_error("one input at most, not %d", argc - optind);
    op.input = optind < argc ? argv[optind] : NULL;
    op.threads = op.threads ? op.threads : rs_threads_default();
    op.svd.threads = op.threads;
    /* Our threads and OpenBLAS's take turns (sparse passes, then dense
     * steps), so each may use all of them. */
    rs_blas_threads(op.threads);
    run(&op, a);
    return 0;
}
