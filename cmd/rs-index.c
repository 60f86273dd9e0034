/* rs-index: canonical TSV -> binary sparse user-item matrix with its id maps,
 * and (--decode, --list, --block) any rs binary back into text. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "format/idmap_block.h"
#include "format/csr.h"
#include "format/dump.h"
#include "format/chunks.h"
#include "format/featblock.h"
#include "prep/features.h"
#include "common/err.h"
#include "format/bundle.h"
#include "common/io.h"
#include "prep/ratings.h"
#include "prep/recency.h"
#include "prep/titles.h"
#include "score/export.h"

static const char usage[] =
"Usage: rs-index [OPTION]... [FILE]...\n"
"   or: rs-index --decode|--list|--block NAME [OPTION]... [FILE]\n"
"   or: rs-index --format jsonl|redis|word2vec [OPTION]... [MODEL]\n"
"Read interactions as canonical TSV (user<TAB>item[<TAB>rating[<TAB>timestamp]])\n"
"from the FILEs or standard input and write the sparse user-item matrix, with\n"
"both id maps, as an rs binary stream (man 5 rs-format).  Each user's\n"
"interactions keep their input order, and timestamps are kept when present.\n"
"With --decode, read any rs binary stream (a matrix, or a model) and write it\n"
"back as text.  With no FILE, or when FILE is -, read standard input.\n"
"\n"
"  -o, --output FILE      write FILE (complete or not at all) instead of stdout\n"
"  -z, --compress[=LEVEL] compress the blocks with zstd (LEVEL 1-19, default 3);\n"
"                         (-z9, -z 9 and --compress=9 are the same)\n"
"      --recency TAU,A    weight each user's interactions by recency: a value\n"
"                         becomes 1 + A exp(-age / TAU), age 0 for the user's\n"
"                         latest (by time, else input order); replaces ratings\n"
"      --ids-from FILE    use the user and item ids of FILE (a matrix or a model):\n"
"                         the output's id maps are FILE's, and rows with ids\n"
"                         FILE does not know are dropped and reported\n"
"      --add-unknown      with --ids-from: append unknown ids as new ones instead\n"
"      --item-features FILE  item side features into the matrix: movies.csv\n"
"                         (genres and the title's year), movies.dat, u.item, or\n"
"                         item<TAB>feature[<TAB>weight] lines; items of FILE\n"
"                         without interactions become items with none (cold)\n"
"      --user-features FILE  user side features: u.user, users.dat (age band,\n"
"                         gender, occupation) or user<TAB>feature[<TAB>weight]\n"
"      --chunks N         add the item-major copy and an index of N row chunks\n"
"                         a side, each with its own checksum, so that a reader\n"
"                         (rs-svd-mpi's ranks) reads only its share of the file\n"
"  -d, --decode           decode: a matrix back to canonical TSV, grouped by user\n"
"                         (users in first-seen order, each in input order)\n"
"      --block NAME       decode: print the block NAME, a row a line; rows of\n"
"                         user_* and item_* blocks (factors, biases) start with\n"
"                         the id\n"
"      --no-ids           with --block: never prefix rows with ids\n"
"      --list, --info     decode: list the blocks and the meta entries\n"
"      --format FMT       decode: a model's vectors (factors and biases of svd,\n"
"                         funk, als, bpr; w2v's input vectors) for services:\n"
"                         jsonl (a document per user and item, for mongoimport),\n"
"                         redis (DEL and HSET commands for redis-cli --pipe:\n"
"                         hashes PREFIXuser:ID and PREFIXitem:ID, field factors\n"
"                         = float32 little-endian) or word2vec (text, items)\n"
"      --items FILE       with --format jsonl or redis: item titles from FILE\n"
"                         (movies.csv, u.item, movies.dat or id<TAB>title)\n"
"      --redis-prefix P   key prefix for --format redis (default rs:)\n"
"  -v, --verbose          report what was read and written on stderr\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"Examples:\n"
"  rs-index train.tsv > train.rsm\n"
"  rs-index --ids-from train.rsm test.tsv > test.rsm\n"
"  rs-index --recency 5,3 train.tsv > recent.rsm\n"
"  rs-index --item-features movies.csv train.tsv > train.rsm\n"
"  rs-index --decode train.rsm | head\n"
"  rs-svd -k 20 train.rsm | rs-index --block item_factors | head -3\n"
"  rs-index --format jsonl --items movies.csv model.rsm > factors.jsonl\n"
"  rs-index --format redis model.rsm | redis-cli --pipe\n"
"  rs-index --format word2vec model.rsm > vectors.txt\n"
"\n"
"Exit status: 0 success, 1 bad data or I/O error, 2 bad usage.\n";

enum { OPT_IDS_FROM = 256, OPT_ADD_UNKNOWN, OPT_BLOCK, OPT_NO_IDS, OPT_LIST, OPT_FORMAT,
       OPT_ITEMS, OPT_PREFIX, OPT_RECENCY, OPT_ITEM_FEATURES, OPT_USER_FEATURES, OPT_CHUNKS };

typedef struct opts {
    const char *output, *ids_from, *block, *titles, *prefix, *ifeat, *ufeat;
    int zlevel, add_unknown, decode, list, no_ids, verbose, prefix_given;
    int format;                 /* RS_EXPORT_*, or -1: no --format */
    uint32_t chunks;            /* --chunks N, or 0 */
    const char *recency;        /* --recency TAU,A as given, or NULL */
    double tau, a;
} opts;

/* Put where before e's message ("--ids-from m.rsm: ..."); returns -1. */
static int in_context(rs_err *e, const char *where)
{
    char msg[sizeof e->msg];
    snprintf(msg, sizeof msg, "%s", e->msg);
    return rs_errf(e, e->code ? e->code : RS_EDATA, "%s: %s", where, msg);
}

/* "'a', 'b', 'c'" for the first few of the ids from..to-1 of m. */
static void first_ids(char *buf, size_t n, const rs_idmap *m, uint32_t from, uint32_t to)
{
    size_t len = 0;
    buf[0] = '\0';
    for (uint32_t k = from; k < to && k < from + 3 && len < n; k++)
        len += (size_t)snprintf(buf + len, n - len, "%s'%.40s'", k > from ? ", " : "",
                                rs_idmap_str(m, k));
    if (to - from > 3 && len < n) snprintf(buf + len, n - len, ", ...");
}

/* Ids appended to m beyond its first n0 were unknown to --ids-from: say so,
 * and count the rows they touch in ix (the table's u or i). */
static void report_unknown(const opts *op, const char *what, const rs_idmap *m, uint32_t n0,
                           const uint32_t *ix, size_t rows)
{
    uint32_t n = rs_idmap_size(m);
    if (n == n0) return;
    char list[256];
    first_ids(list, sizeof list, m, n0, n);
    size_t touched = 0;
    for (size_t k = 0; k < rows; k++) touched += ix[k] >= n0;
    const char *s = n - n0 == 1 ? "" : "s";
    if (op->add_unknown)
        rs_warn("%u unknown %s%s (first: %s) in %zu row%s; added as new ids",
                n - n0, what, s, list, touched, touched == 1 ? "" : "s");
    else
        rs_warn("%u unknown %s%s (first: %s); %s %zu row%s dropped", n - n0, what, s, list,
                touched == 1 ? "its" : "their", touched, touched == 1 ? " is" : "s are");
}

/* Keep only the rows whose user and item --ids-from knew. */
static void drop_unknown(rs_ratings *rt, uint32_t nu, uint32_t ni)
{
    unsigned char *known = rs_xmalloc(rt->n + 1);
    for (size_t k = 0; k < rt->n; k++) known[k] = rt->u[k] < nu && rt->i[k] < ni;
    rs_ratings_select(rt, known);
    free(known);
}

/* Swap the table's id maps for those of the bundle at path.  Returns the
 * bundle's maps' sizes through nu, ni. */
static int seed_ids(rs_ratings *rt, const rs_bundle *from, const char *path,
                    uint32_t *nu, uint32_t *ni, rs_err *e)
{
    rs_idmap *u = rs_idmap_get(from, "users", e);
    rs_idmap *i = u ? rs_idmap_get(from, "items", e) : NULL;
    if (!i) {
        rs_idmap_free(u);
        char where[512];
        snprintf(where, sizeof where, "--ids-from %s", path);
        return in_context(e, where);
    }
    rs_idmap_free(rt->users);
    rs_idmap_free(rt->items);
    rt->users = u;
    rt->items = i;
    *nu = rs_idmap_size(u);
    *ni = rs_idmap_size(i);
    return 0;
}

/* The side features of path as a matrix over ids (the table's users or
 * items): ids of the file the matrix lacks are added (n0 = 0: none
 * fixed), or dropped when the ids are fixed (an --ids-from without
 * --add-unknown: n0 = their count), and counted on stderr. */
static int side_features(const char *opt, const char *path, rs_idmap *ids, uint32_t n0,
                         const char *what, rs_bundle *b, const char *side, rs_err *e)
{
    rs_features f;
    rs_features_opts fo = { .year = 1 };
    if (rs_features_read_opts(path, &fo, &f, e) < 0) return in_context(e, opt);
    uint32_t nf = rs_idmap_size(f.items), added = 0, dropped = 0;
    int64_t *row = rs_xmalloc(((size_t)nf + 1) * sizeof *row);
    for (uint32_t k = 0; k < nf; k++) {
        const char *s = rs_idmap_str(f.items, k);
        size_t len = rs_idmap_len(f.items, k);
        row[k] = rs_idmap_find(ids, s, len);
        if (row[k] >= 0) continue;
        if (n0) { dropped++; continue; }
        row[k] = rs_idmap_intern(ids, s, len);
        added++;
    }
    rs_csr m = { .rows = rs_idmap_size(ids), .cols = rs_idmap_size(f.attrs), .owned = 1 };
    m.indptr = rs_xcalloc((size_t)m.rows + 1, sizeof *m.indptr);
    for (uint32_t k = 0; k < nf; k++)
        if (row[k] >= 0) m.indptr[row[k] + 1] = f.start[k + 1] - f.start[k];
    for (uint32_t r = 0; r < m.rows; r++) m.indptr[r + 1] += m.indptr[r];
    m.nnz = m.indptr[m.rows];
    m.indices = rs_xmalloc((m.nnz ? m.nnz : 1) * sizeof *m.indices);
    m.values = rs_xmalloc((m.nnz ? m.nnz : 1) * sizeof *m.values);
    for (uint32_t k = 0; k < nf; k++) {
        if (row[k] < 0) continue;
        size_t n = f.start[k + 1] - f.start[k];
        memcpy(m.indices + m.indptr[row[k]], f.attr + f.start[k], n * sizeof *m.indices);
        memcpy(m.values + m.indptr[row[k]], f.weight + f.start[k], n * sizeof *m.values);
    }
    if (added)
        rs_warn("%s %s: %u %s%s without interactions, added as %ss with none", opt, path, added,
                what, added == 1 ? "" : "s", what);
    if (dropped)
        rs_warn("%s %s: %u unknown %s%s (not in --ids-from), their features dropped", opt, path,
                dropped, what, dropped == 1 ? "" : "s");
    rs_featblock_put(b, side, &m, f.attrs);
    rs_csr_free(&m);
    free(row);
    rs_features_free(&f);
    return 0;
}

static void index_main(const opts *op, char *const *files, int nfiles)
{
    rs_err e = { 0 };
    rs_outset *set = rs_outset_new();
    rs_cmd_inputs(set, files, nfiles, "interactions (canonical TSV)",
                  "them as FILE arguments or through a pipe");
    if (op->ids_from)
        rs_cmd_input(set, "--ids-from", op->ids_from, "a matrix or a model", "it with --ids-from FILE");
    if (op->ifeat)
        rs_cmd_input(set, "--item-features", op->ifeat, "item features", "them with --item-features FILE");
    if (op->ufeat)
        rs_cmd_input(set, "--user-features", op->ufeat, "user features", "them with --user-features FILE");
    rs_out *o = rs_cmd_open(set, "-o", op->output, 1);
    rs_ratings rt;
    rs_ratings_init(&rt);
    rs_bundle from = { 0 };
    uint32_t nu0 = 0, ni0 = 0;
    if (op->ids_from) {
        if (rs_bundle_load_expect(op->ids_from, &from, "a matrix or a model", &e) < 0) {
            in_context(&e, "--ids-from");
            rs_cmd_fail(o, &e);
        }
        if (seed_ids(&rt, &from, op->ids_from, &nu0, &ni0, &e) < 0) rs_cmd_fail(o, &e);
    }
    if (rs_ratings_read_paths(files, nfiles, &rt, &e) < 0) rs_cmd_fail(o, &e);
    size_t nread = rt.n;
    if (op->ids_from) {
        report_unknown(op, "user", rt.users, nu0, rt.u, rt.n);
        report_unknown(op, "item", rt.items, ni0, rt.i, rt.n);
        if (!op->add_unknown
            && (rs_idmap_size(rt.users) > nu0 || rs_idmap_size(rt.items) > ni0)) {
            drop_unknown(&rt, nu0, ni0);
            /* The maps grew while reading; the output keeps FILE's exactly. */
            if (seed_ids(&rt, &from, op->ids_from, &nu0, &ni0, &e) < 0) rs_cmd_fail(o, &e);
        }
        rs_bundle_free(&from);
    }

    if (op->recency) rs_recency_apply(&rt, op->tau, op->a);
    rs_bundle b = { 0 };
    rs_meta_set(&b, "kind", "matrix");
    /* Lets --decode write back exactly the columns the input had. */
    rs_meta_set(&b, "columns", rt.t ? "4" : rt.r ? "3" : "2");
    if (op->recency) rs_meta_set(&b, "recency", op->recency);
    /* Features first: they may add ids, which the id maps then carry. */
    rs_bundle fb = { 0 };
    int fixed = op->ids_from && !op->add_unknown;
    if (op->ifeat && side_features("--item-features", op->ifeat, rt.items, fixed ? ni0 : 0,
                                   "item", &fb, "ifeat", &e) < 0)
        rs_cmd_fail(o, &e);
    if (op->ufeat && side_features("--user-features", op->ufeat, rt.users, fixed ? nu0 : 0,
                                   "user", &fb, "ufeat", &e) < 0)
        rs_cmd_fail(o, &e);
    rs_idmap_put(rt.users, &b, "users");
    rs_idmap_put(rt.items, &b, "items");
    rs_csr m;
    rs_csr_from_ratings(&m, &rt);
    if (op->verbose)
        rs_warn("%zu interactions read, %llu kept: %u users x %u items%s", nread,
                (unsigned long long)m.nnz, m.rows, m.cols, m.times ? ", with timestamps" : "");
    rs_ratings_free(&rt);   /* the matrix has it all now: halve peak memory for writing */
    rs_csr_put(&m, &b, 1);
    if (op->chunks) rs_chunks_put(&m, op->chunks, &b);
    /* Each side only adds to its own id map, so its rows are final. */
    for (size_t k = 0; k < fb.n; k++) {
        rs_block *blk = &fb.b[k];
        rs_bundle_put(&b, blk->name, blk->dtype, blk->rows, blk->cols, blk->data, 0);
    }
    rs_cmd_write_bundle(o, &b, op->zlevel);
    rs_bundle_free(&fb);
    rs_bundle_free(&b);
    rs_csr_free(&m);
    rs_cmd_close(o);
}

/* --format: the model's vectors, with titles from --items. */
static int export(rs_out *o, const opts *op, const rs_bundle *b, rs_err *e)
{
    uint32_t nt = 0;
    char **titles = NULL;
    /* A titles file's error names that file, not the model. */
    if (op->titles && !(titles = rs_export_titles(b, op->titles, &nt, e))) rs_cmd_fail(o, e);
    rs_export_opts eo = { .format = op->format, .prefix = op->prefix,
                          .titles = (const char *const *)titles };
    int rc = rs_export(rs_out_file(o), b, &eo, e);
    rs_titles_free(titles, nt);
    return rc;
}

static void decode_main(const opts *op, char *const *files, int nfiles)
{
    if (nfiles > 1) rs_usage_error("--decode reads one input, not %d", nfiles);
    rs_err e = { 0 };
    rs_outset *set = rs_outset_new();
    rs_cmd_inputs(set, files, nfiles, "an rs binary stream",
                  "it as FILE or through a pipe");
    if (op->titles)
        rs_cmd_input(set, "--items", op->titles, "the --items titles", "them with --items FILE");
    rs_out *o = rs_cmd_open(set, "-o", op->output, 0);
    /* A plain file is mapped, not copied: decoding a big matrix reads it once. */
    const char *path = nfiles ? files[0] : "-";
    const char *name = strcmp(path, "-") ? path : "(stdin)";
    rs_bundle b = { 0 };
    int rc = rs_bundle_load(path, &b, &e);
    if (rc < 0) rs_cmd_fail(o, &e);
    FILE *f = rs_out_file(o);
    if (op->list) rs_dump_list(f, &b);
    else if (op->block) rc = rs_dump_block(f, &b, op->block, !op->no_ids, &e);
    else if (op->format >= 0) rc = export(o, op, &b, &e);
    else rc = rs_dump_matrix(f, &b, &e);
    if (rc < 0) {
        in_context(&e, name);
        rs_cmd_fail(o, &e);
    }
    rs_bundle_free(&b);
    rs_cmd_close(o);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "compress", optional_argument, NULL, 'z' },
        { "ids-from", required_argument, NULL, OPT_IDS_FROM },
        { "add-unknown", no_argument, NULL, OPT_ADD_UNKNOWN },
        { "item-features", required_argument, NULL, OPT_ITEM_FEATURES },
        { "user-features", required_argument, NULL, OPT_USER_FEATURES },
        { "decode", no_argument, NULL, 'd' },
        { "block", required_argument, NULL, OPT_BLOCK },
        { "no-ids", no_argument, NULL, OPT_NO_IDS },
        { "list", no_argument, NULL, OPT_LIST },
        { "info", no_argument, NULL, OPT_LIST },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "items", required_argument, NULL, OPT_ITEMS },
        { "redis-prefix", required_argument, NULL, OPT_PREFIX },
        { "recency", required_argument, NULL, OPT_RECENCY },
        { "chunks", required_argument, NULL, OPT_CHUNKS },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    opts op = { .format = -1, .prefix = "rs:" };
    int c;
    while ((c = rs_getopt(argc, argv, "o:z::dvhV", longopts)) != -1) {
        switch (c) {
        case 'o': op.output = optarg; break;
        case 'z': op.zlevel = rs_opt_zlevel_getopt(optarg, argc, argv); break;
        case OPT_IDS_FROM: op.ids_from = optarg; break;
        case OPT_ADD_UNKNOWN: op.add_unknown = 1; break;
        case OPT_ITEM_FEATURES: op.ifeat = optarg; break;
        case OPT_USER_FEATURES: op.ufeat = optarg; break;
        case 'd': op.decode = 1; break;
        case OPT_BLOCK: op.block = optarg; op.decode = 1; break;
        case OPT_NO_IDS: op.no_ids = 1; break;
        case OPT_CHUNKS: op.chunks = (uint32_t)rs_opt_int("--chunks", optarg, 1, RS_CHUNKS_MAX); break;
        case OPT_LIST: op.list = 1; op.decode = 1; break;
        case OPT_FORMAT:
            if ((op.format = rs_export_format(optarg)) < 0)
                rs_usage_error("--format: '%s' is not one of jsonl, redis, word2vec", optarg);
            op.decode = 1;
            break;
        case OPT_ITEMS: op.titles = optarg; break;
        case OPT_PREFIX: op.prefix = optarg; op.prefix_given = 1; break;
        case OPT_RECENCY: {
            rs_err re = { 0 };
            if (rs_recency_parse("--recency", optarg, &op.tau, &op.a, &re) < 0)
                rs_usage_error("%s", re.msg);
            op.recency = optarg;
            break;
        }
        case 'v': op.verbose = 1; break;
        case 'h': rs_help(usage);
        case 'V': rs_version();
        default: rs_usage_error("unknown option");
        }
    }
    if (op.list && op.block) rs_usage_error("--list and --block do not go together");
    if (op.format >= 0 && (op.list || op.block))
        rs_usage_error("--format and %s do not go together", op.list ? "--list" : "--block");
    if (op.titles && op.format != RS_EXPORT_JSONL && op.format != RS_EXPORT_REDIS)
        rs_usage_error("--items needs --format jsonl or redis%s",
                       op.format == RS_EXPORT_WORD2VEC ? " (the word2vec format has no titles)" : "");
    if (op.prefix_given && op.format != RS_EXPORT_REDIS)
        rs_usage_error("--redis-prefix needs --format redis");
    if (op.titles && !strcmp(op.titles, "-"))
        rs_usage_error("--items needs a file (standard input carries the model)");
    if (op.no_ids && !op.block) rs_usage_error("--no-ids needs --block");
    if (op.add_unknown && !op.ids_from) rs_usage_error("--add-unknown needs --ids-from");
    if (op.decode && (op.zlevel || op.ids_from))
        rs_usage_error("%s writes text: it takes no %s",
                       op.list ? "--list" : op.block ? "--block" : op.format >= 0 ? "--format" : "--decode",
                       op.zlevel ? "--compress" : "--ids-from");
    if (op.decode && op.chunks)
        rs_usage_error("--chunks makes a matrix: it does not go with --decode, --list, --block "
                       "or --format");
    if (op.chunks && op.zlevel)
        rs_usage_error("--chunks and --compress do not go together (chunks are read from "
                       "uncompressed blocks)");
    if (op.decode && (op.ifeat || op.ufeat))
        rs_usage_error("--%s-features makes a matrix: it does not go with --decode, --list, "
                       "--block or --format", op.ifeat ? "item" : "user");
    if ((op.ifeat && !strcmp(op.ifeat, "-")) || (op.ufeat && !strcmp(op.ufeat, "-")))
        rs_usage_error("--%s-features needs a file (standard input carries the interactions)",
                       op.ifeat && !strcmp(op.ifeat, "-") ? "item" : "user");
    if (op.ids_from && !strcmp(op.ids_from, "-"))
        rs_usage_error("--ids-from needs a file (standard input carries the interactions)");
    if (op.decode) decode_main(&op, argv + optind, argc - optind);
    else index_main(&op, argv + optind, argc - optind);
    return 0;
}
