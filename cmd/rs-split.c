/* rs-split: canonical TSV in, training rows to stdout, test rows to -t FILE. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "common/err.h"
#include "common/shard.h"
#include "common/io.h"
#include "prep/ratings.h"
#include "prep/split.h"
#include "prep/split_cold.h"

static const char usage[] =
"Usage: rs-split -t TEST [OPTION]... [FILE]...\n"
"Split interactions (canonical TSV, files or stdin) into training rows, written\n"
"to standard output, and test rows, written to TEST.  TEST is complete and\n"
"closed before standard output is, so a later stage of the same pipe can read it.\n"
"\n"
"Which rows are test (--last or --frac, and/or which users give them):\n"
"      --last N         each user's N most recent rows (a user with N or fewer\n"
"                       rows is all test)\n"
"      --by time|order  most recent by timestamp, ties by input order (default),\n"
"                       or by input order alone\n"
"      --frac F         a random round(F*n) of each user's n rows (0 <= F <= 1)\n"
"      --users-frac F   only a random fraction F of the users give test rows;\n"
"                       all of their rows unless --last or --frac says otherwise\n"
"      --folds K        cut the users into K random groups (with --last/--frac),\n"
"                       or else the rows into K random folds (rating-level K-fold)\n"
"      --fold I         which group or fold (1..K) is test\n"
"      --cold-items F   cold start: every row of a random round(F*n) of the n\n"
"                       items is test (the model sees nothing of them)\n"
"      --cold-users F   the same for users\n"
"      --seed S         random seed (default 1)\n"
"      --shard I/N      only the users of shard I of N (FNV-1a 64 of the user\n"
"                       id mod N); each user's split is the one of --shard 1/1\n"
"                       (--frac then draws from a stream keyed by the user id,\n"
"                       not by input position: the default run differs)\n"
"\n"
"Output:\n"
"  -t, --test FILE      where the test rows go (required; '-' = stdout with -o)\n"
"  -o, --output FILE    write the training rows to FILE instead of stdout\n"
"  -v, --verbose        print train and test row and user counts on stderr\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Rows keep their input order in both outputs.  Exit status: 0 success,\n"
"1 bad data, 2 bad usage.  See rs-split(1).\n";

enum { OPT_LAST = 256, OPT_BY, OPT_FRAC, OPT_USERS_FRAC, OPT_FOLDS, OPT_FOLD, OPT_SEED, OPT_SHARD,
       OPT_COLD_ITEMS, OPT_COLD_USERS };

static const struct option longopts[] = {
    { "last", required_argument, NULL, OPT_LAST },
    { "by", required_argument, NULL, OPT_BY },
    { "frac", required_argument, NULL, OPT_FRAC },
    { "users-frac", required_argument, NULL, OPT_USERS_FRAC },
    { "folds", required_argument, NULL, OPT_FOLDS },
    { "fold", required_argument, NULL, OPT_FOLD },
    { "seed", required_argument, NULL, OPT_SEED },
    { "shard", required_argument, NULL, OPT_SHARD },
    { "cold-items", required_argument, NULL, OPT_COLD_ITEMS },
    { "cold-users", required_argument, NULL, OPT_COLD_USERS },
    { "test", required_argument, NULL, 't' },
    { "output", required_argument, NULL, 'o' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
};

static int is_stdout(const char *path) { return !path || strcmp(path, "-") == 0; }

int main(int argc, char **argv)
{
    rs_split_opts so;
    rs_split_opts_init(&so);
    const char *test_path = NULL, *train_path = NULL, *fold_arg = NULL;
    int verbose = 0, c, cold = -1, others = 0;     /* cold: 1 items, 0 users */
    double cold_frac = 0;
    rs_shard shard = { 0, 0 };
    rs_err e = { 0 };
    while ((c = rs_getopt(argc, argv, "t:o:vhV", longopts)) != -1) {
        switch (c) {
        case OPT_LAST: others = 1; so.last = (uint64_t)rs_opt_int("--last", optarg, 1, INT64_MAX); break;
        case OPT_BY:
            if (strcmp(optarg, "time") == 0) so.by = RS_SPLIT_BY_TIME;
            else if (strcmp(optarg, "order") == 0) so.by = RS_SPLIT_BY_ORDER;
            else rs_usage_error("--by: '%s' is neither 'time' nor 'order'", optarg);
            break;
        case OPT_FRAC: others = 1; so.frac = rs_opt_double("--frac", optarg, 0, 1); break;
        case OPT_USERS_FRAC: others = 1; so.users_frac = rs_opt_double("--users-frac", optarg, 0, 1); break;
        case OPT_FOLDS: others = 1; so.folds = rs_opt_int("--folds", optarg, 2, INT32_MAX); break;
        case OPT_FOLD: fold_arg = optarg; break;
        case OPT_SEED: so.seed = rs_opt_seed("--seed", optarg); break;
        case OPT_SHARD:
            if (rs_shard_parse(&shard, "--shard", optarg, &e) < 0) rs_usage_error("%s", e.msg);
            so.stream_by_id = 1;
            break;
        case OPT_COLD_ITEMS:
        case OPT_COLD_USERS:
            if (cold >= 0) rs_usage_error("--cold-items and --cold-users do not go together");
            cold = c == OPT_COLD_ITEMS;
            cold_frac = rs_opt_double(cold ? "--cold-items" : "--cold-users", optarg, 0, 1);
            break;
        case 't': test_path = optarg; break;
        case 'o': train_path = optarg; break;
        case 'v': verbose = 1; break;
        case 'h': rs_help(usage);
        case 'V': rs_version();
        default: rs_usage_error("unknown option");
        }
    }
    /* After the loop, so the range names K whatever the option order. */
    if (fold_arg) so.fold = rs_opt_int("--fold", fold_arg, 1, so.folds ? so.folds : INT32_MAX);
    /* Choosing users draws over all of them: a shard cannot. */
    if (shard.n && (so.users_frac >= 0 || so.folds))
        rs_usage_error("--shard: --users-frac and --folds choose among all users "
                       "(shard with --last or --frac)");
    if (shard.n && cold >= 0)
        rs_usage_error("--shard: --cold-items and --cold-users choose among all items or users "
                       "(shard with --last or --frac)");
    if (cold >= 0 && (others || fold_arg))
        rs_usage_error("--cold-%s takes all of %s rows: it does not go with --last, --frac, "
                       "--users-frac or --folds", cold ? "items" : "users", cold ? "an item's" : "a user's");
    if (cold < 0 && rs_split_check(&so, &e) < 0) rs_usage_error("%s", e.msg);
    if (!test_path) rs_usage_error("-t FILE is required (where the test rows go)");
    if (is_stdout(test_path) && is_stdout(train_path))
        rs_usage_error("test and training rows cannot both go to stdout (give -o FILE with -t -)");

    /* Both outputs are opened first, so an unwritable path fails before a
     * long read, and into one set: two files are renamed into place
     * together, after both are complete, so a failure never leaves a new
     * test set beside an old training set. */
    rs_outset *set = rs_outset_new();
    rs_cmd_inputs(set, argv + optind, argc - optind, "interactions (canonical TSV)",
                  "them as FILE arguments or through a pipe");
    rs_out *test_out = rs_cmd_open(set, "-t", test_path, 0);
    rs_out *train_out = rs_cmd_open(set, "-o", train_path, 0);

    rs_ratings rt;
    rs_ratings_init(&rt);
    unsigned char *test = NULL;
    int rc = rs_ratings_read_paths(argv + optind, argc - optind, &rt, &e);
    if (rc == 0) rs_ratings_shard(&rt, &shard);
    if (rc == 0) {
        test = rs_xmalloc(rt.n ? rt.n : 1);
        rc = cold >= 0 ? rs_split_cold(&rt, cold, cold_frac, so.seed, test, &e)
                       : rs_split(&rt, &so, test, &e);
    }
    if (rc < 0) rs_cmd_fail(train_out, &e);

    /* The file side first.  When the other side is a pipe, the file is
     * complete and in place before the pipe's first byte: in `rs-split -t
     * t.tsv | ... | rs-eval -t t.tsv` a later stage may open t.tsv as soon
     * as our first byte reaches it. */
    int test_first = !is_stdout(test_path);
    rs_out *first = test_first ? test_out : train_out, *second = test_first ? train_out : test_out;
    rs_ratings_write_tsv(rs_out_file(first), &rt, test, test_first);
    if (rs_out_is_stream(second) && rs_outset_commit_files(set, &e) < 0) rs_cmd_fail(NULL, &e);
    rs_ratings_write_tsv(rs_out_file(second), &rt, test, !test_first);
    rs_cmd_close(second);

    if (verbose) {
        rs_split_stats s;
        rs_split_stats_count(&rt, test, &s);
        rs_warn("train: %zu rows, %u users; test: %zu rows, %u users",
                s.rows[0], s.users[0], s.rows[1], s.users[1]);
        if (!s.rows[1]) rs_warn("warning: the test set is empty");
        if (!s.rows[0]) rs_warn("warning: the training set is empty");
    }
    free(test);
    rs_ratings_free(&rt);
    return 0;
}
