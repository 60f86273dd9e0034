/* rs-filter: MovieLens-style ratings (any dialect) in, filtered canonical TSV out. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "prep/ratingfile.h"
#include "common/err.h"
#include "common/shard.h"
#include "prep/filter.h"
#include "common/io.h"
#include "common/num.h"
#include "common/progress.h"
#include "prep/ratings.h"

static const char usage[] =
"Usage: rs-filter [OPTION]... [FILE]...\n"
"Read ratings (MovieLens ratings.csv, u.data, ratings.dat, the Kaggle ml-20m\n"
"rating.csv, or any CSV/TSV; files or stdin, '-' = stdin, *.zst decompressed),\n"
"filter them, and write canonical TSV: user<TAB>item<TAB>rating<TAB>timestamp.\n"
"\n"
"Input (each is detected per file unless given):\n"
"  -f, --format F         auto (default), csv, tsv, dat ('::' separated)\n"
"  -s, --sep C            field separator: one character, 'tab', or '::'\n"
"      --header           the first line names the columns\n"
"      --no-header        the first line is data\n"
"  -c, --columns LIST     user,item[,rating[,timestamp]] as header names or\n"
"                         1-based numbers, e.g. userId,movieId or 2,1,,4\n"
"  -j, --jobs N           threads parsing the input (default: all cores);\n"
"                         the output is the same for every N\n"
"      --max-field BYTES  longest field accepted (default 1048576): a longer\n"
"                         one fails at once instead of filling memory\n"
"\n"
"Filters, in this order (see rs-filter(1) for the exact SQL semantics):\n"
"      --min-rating R     keep rows with rating >= R (before any counting)\n"
"      --max-rating R     keep rows with rating <= R\n"
"      --min-item-users N keep items with at least N rows\n"
"      --min-user-items N keep users with at least N rows\n"
"      --max-user-items N keep users with at most N rows\n"
"                         (both counts are taken on the same rows, after the\n"
"                         rating filter, before either count filter)\n"
"      --dedup MODE       one row per (user, item): avg (default: mean rating,\n"
"                         latest timestamp), first, last, min, max; or none\n"
"      --core K           then drop users and items with fewer than K\n"
"                         interactions, repeatedly, until none are left\n"
"      --binary           every rating becomes 1 (implicit feedback)\n"
"      --sort             order by user id, then timestamp, then input order\n"
"                         (default: input order of first occurrence)\n"
"      --limit N          write only the first N rows\n"
"      --shard I/N        only the users of shard I of N (FNV-1a 64 of the user\n"
"                         id mod N), taken before any filter; each user's rows\n"
"                         are those of the unsharded run (not with item counts:\n"
"                         --min-item-users, --core; nor --limit)\n"
"\n"
"Output:\n"
"  -o, --output FILE      write FILE (complete or not at all) instead of stdout\n"
"  -v, --verbose          report the dialect of each input and what each step\n"
"                         kept and dropped (rows, users, items) on stderr\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"Exit status: 0 success, 1 bad data, 2 bad usage.  See rs-filter(1).\n";

enum { OPT_HEADER = 256, OPT_NO_HEADER, OPT_MIN_RATING, OPT_MAX_RATING, OPT_MIN_ITEM_USERS,
       OPT_MIN_USER_ITEMS, OPT_MAX_USER_ITEMS, OPT_DEDUP, OPT_CORE, OPT_BINARY, OPT_SORT,
       OPT_LIMIT, OPT_MAX_FIELD, OPT_SHARD };

static const struct option longopts[] = {
    { "format", required_argument, NULL, 'f' },
    { "sep", required_argument, NULL, 's' },
    { "header", no_argument, NULL, OPT_HEADER },
    { "no-header", no_argument, NULL, OPT_NO_HEADER },
    { "columns", required_argument, NULL, 'c' },
    { "jobs", required_argument, NULL, 'j' },
    { "max-field", required_argument, NULL, OPT_MAX_FIELD },
    { "min-rating", required_argument, NULL, OPT_MIN_RATING },
    { "max-rating", required_argument, NULL, OPT_MAX_RATING },
    { "min-item-users", required_argument, NULL, OPT_MIN_ITEM_USERS },
    { "min-user-items", required_argument, NULL, OPT_MIN_USER_ITEMS },
    { "max-user-items", required_argument, NULL, OPT_MAX_USER_ITEMS },
    { "dedup", required_argument, NULL, OPT_DEDUP },
    { "core", required_argument, NULL, OPT_CORE },
    { "binary", no_argument, NULL, OPT_BINARY },
    { "sort", no_argument, NULL, OPT_SORT },
    { "limit", required_argument, NULL, OPT_LIMIT },
    { "shard", required_argument, NULL, OPT_SHARD },
    { "output", required_argument, NULL, 'o' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
};

static void say_dialect(const char *name, const rs_dialect_info *di)
{
    static const char *const role[RS_NROLES] = { "user", "item", "rating", "timestamp" };
    char sep[8], cols[128];
    if (di->format == RS_FMT_DAT) strcpy(sep, "'::'");
    else if (di->sep == '\t') strcpy(sep, "TAB");
    else snprintf(sep, sizeof sep, "'%c'", di->sep);
    size_t len = 0;
    for (int r = 0; r < RS_NROLES; r++)
        if (di->col[r] > 0)
            len += (size_t)snprintf(cols + len, sizeof cols - len, "%s%s=%d", len ? " " : "",
                                    role[r], di->col[r]);
    rs_warn("%s: %s, %s separated, %s, %d columns (%s): %llu rows (%d thread%s)", name,
            rs_dialect_format_name(di->format), sep, di->header ? "header" : "no header",
            di->ncols, cols, (unsigned long long)di->rows, di->threads,
            di->threads == 1 ? "" : "s");
}

static void say_steps(const rs_filter_report *rep)
{
    for (int k = 0; k < rep->n; k++) {
        const rs_filter_step *s = &rep->step[k], *p = k ? &rep->step[k - 1] : NULL;
        if (!p) {
            rs_warn("%s: %zu rows, %zu users, %zu items", s->what, s->rows, s->users, s->items);
            continue;
        }
        rs_warn("%s: kept %zu rows, %zu users, %zu items; dropped %zu rows, %zu users, %zu items",
                s->what, s->rows, s->users, s->items, p->rows - s->rows, p->users - s->users,
                p->items - s->items);
    }
}

int main(int argc, char **argv)
{
    rs_dialect d;
    rs_dialect_init(&d);
    d.jobs = rs_threads_default();
    rs_filter_opts fo;
    rs_filter_opts_init(&fo);
    const char *out_path = NULL;
    rs_shard shard = { 0, 0 };
    int verbose = 0, c;
    rs_err e = { 0 };
    while ((c = rs_getopt(argc, argv, "f:s:c:j:o:vhV", longopts)) != -1) {
        switch (c) {
        case 'f': if (rs_dialect_set_format(&d, optarg, &e) < 0) rs_usage_error("%s", e.msg); break;
        case 's': if (rs_dialect_set_sep(&d, optarg, &e) < 0) rs_usage_error("%s", e.msg); break;
        case 'c': if (rs_dialect_set_columns(&d, optarg, &e) < 0) rs_usage_error("%s", e.msg); break;
        case 'j': d.jobs = rs_opt_jobs(optarg); break;
        case OPT_MAX_FIELD: d.max_field = (size_t)rs_opt_int("--max-field", optarg, 1, 1ll << 40); break;
        case OPT_HEADER: d.header = 1; break;
        case OPT_NO_HEADER: d.header = 0; break;
        case OPT_MIN_RATING:
            fo.min_rating = rs_opt_double("--min-rating", optarg, -HUGE_VAL, HUGE_VAL);
            fo.rating_set = 1;
            break;
        case OPT_MAX_RATING:
            fo.max_rating = rs_opt_double("--max-rating", optarg, -HUGE_VAL, HUGE_VAL);
            fo.rating_set = 1;
            break;
        case OPT_MIN_ITEM_USERS:
            fo.min_item_users = (uint64_t)rs_opt_int("--min-item-users", optarg, 0, INT64_MAX);
            break;
        case OPT_MIN_USER_ITEMS:
            fo.min_user_items = (uint64_t)rs_opt_int("--min-user-items", optarg, 0, INT64_MAX);
            break;
        case OPT_MAX_USER_ITEMS:
            fo.max_user_items = (uint64_t)rs_opt_int("--max-user-items", optarg, 0, INT64_MAX);
            break;
        case OPT_DEDUP:
            if ((fo.dedup = rs_filter_dedup_mode(optarg)) < 0)
                rs_usage_error("--dedup: '%s' is not one of avg, first, last, min, max, none", optarg);
            break;
        case OPT_CORE: fo.core = (uint64_t)rs_opt_int("--core", optarg, 1, INT64_MAX); break;
        case OPT_BINARY: fo.binary = 1; break;
        case OPT_SORT: fo.sort = 1; break;
        case OPT_LIMIT: fo.limit = (uint64_t)rs_opt_int("--limit", optarg, 0, INT64_MAX); break;
        case OPT_SHARD:
            if (rs_shard_parse(&shard, "--shard", optarg, &e) < 0) rs_usage_error("%s", e.msg);
            break;
        case 'o': out_path = optarg; break;
        case 'v': verbose = 1; break;
        case 'h': rs_help(usage);
        case 'V': rs_version();
        default: rs_usage_error("unknown option");
        }
    }
    if (fo.min_rating > fo.max_rating) {
        char lo[RS_NUM_BUF], hi[RS_NUM_BUF];   /* as given: 4.0000002 is not "4" */
        rs_num_fmt_f64(lo, fo.min_rating);
        rs_num_fmt_f64(hi, fo.max_rating);
        rs_usage_error("--min-rating %s is above --max-rating %s", lo, hi);
    }
    if (fo.min_user_items > fo.max_user_items)
        rs_usage_error("--min-user-items %llu is above --max-user-items %llu",
                       (unsigned long long)fo.min_user_items, (unsigned long long)fo.max_user_items);
    /* Item counts and --limit see every user's rows: a shard cannot. */
    if (shard.n && (fo.min_item_users || fo.core || fo.limit != UINT64_MAX))
        rs_usage_error("--shard: --min-item-users, --core and --limit need every user's rows "
                       "(filter before sharding, or shard after rs-filter)");
    if (d.header == 0 && d.columns_given)
        for (int r = 0; r < RS_NROLES; r++)
            if (d.colname[r][0])
                rs_usage_error("--columns: '%s' is a name, but --no-header says there is no "
                               "header line to find it in", d.colname[r]);

    /* Open first, so an unwritable path fails before a long read. */
    rs_outset *set = rs_outset_new();
    rs_cmd_inputs(set, argv + optind, argc - optind, "ratings",
                  "them as FILE arguments or through a pipe");
    rs_out *out = rs_cmd_open(set, "-o", out_path, 0);

    rs_ratings rt;
    rs_ratings_init(&rt);
    static char *const stdin_only[] = { "-" };
    char *const *paths = optind < argc ? argv + optind : stdin_only;
    int npaths = optind < argc ? argc - optind : 1;
    /* Dialects are reported after the reading, so they do not interleave
     * with its progress line. */
    rs_dialect_info *di = rs_xcalloc((size_t)npaths, sizeof *di);
    rs_progress pr;
    rs_progress_start(&pr, "reading");
    for (int k = 0; k < npaths; k++) {
        rs_in *in = rs_in_open(paths[k], &e);
        int rc = in ? rs_dialect_read(in, &d, &rt, &di[k], &pr, &e) : -1;
        rs_in_close(in);
        if (rc < 0) {
            rs_progress_end(&pr);
            rs_cmd_fail(out, &e);
        }
    }
    rs_progress_end(&pr);
    for (int k = 0; verbose && k < npaths; k++)
        say_dialect(strcmp(paths[k], "-") ? paths[k] : "(stdin)", &di[k]);
    free(di);

    rs_ratings_shard(&rt, &shard);

    rs_filter_report rep;
    if (rs_filter_apply(&rt, &fo, verbose ? &rep : NULL, &e) < 0) rs_cmd_fail(out, &e);
    if (verbose) say_steps(&rep);

    rs_ratings_write_tsv_jobs(rs_out_file(out), &rt, NULL, 0, d.jobs);
    rs_ratings_free(&rt);
    rs_cmd_close(out);
    return 0;
}
