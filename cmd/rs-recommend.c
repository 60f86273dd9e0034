/* rs-recommend: a model in, top-N lists (or predicted ratings) out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "format/idmap_block.h"
#include "common/err.h"
#include "common/shard.h"
#include "format/bundle.h"
#include "common/idmap.h"
#include "common/io.h"
#include "common/progress.h"
#include "prep/ratings.h"
#include "score/recommend.h"
#include "score/candidates.h"
#include "score/listwrite.h"
#include "score/scorer.h"
#include "score/blend.h"
#include "prep/titles.h"

static const char usage[] =
"Usage: rs-recommend [OPTION]... [MODEL]\n"
"       rs-recommend --predict -m MODEL [PAIRS]...\n"
"       rs-recommend -m MODEL -m MODEL... [--weights W,W...] [OPTION]...\n"
"Write the top-N items for every user of a model (from rs-svd, rs-knn,\n"
"rs-w2v, or a bare matrix from rs-index: most popular), read from MODEL or\n"
"standard input, as user<TAB>rank<TAB>item<TAB>score with rank from 1.\n"
"Each user's training items are left out.\n"
"\n"
"What to answer (default: every user of the model, in model order):\n"
"  -u, --user ID        only this user (repeatable); an unknown user is\n"
"                       reported and skipped, and the exit status is 1\n"
"      --similar ITEM   the N items most similar to ITEM (repeatable), as\n"
"                       item<TAB>rank<TAB>similar_item<TAB>score\n"
"      --history FILE   users outside the model: score each from its rows\n"
"                       in FILE (canonical TSV) without retraining (fold-in);\n"
"                       a user none of whose items the model knows is left\n"
"                       out and said so (exit 1), unless --fallback popular\n"
"      --fallback popular|none  popular: such users get the most popular\n"
"                       items instead (default: none)\n"
"      --predict        predicted ratings of the (user, item) pairs in PAIRS\n"
"                       (canonical TSV, files or stdin; model from -m) as\n"
"                       user<TAB>item<TAB>score; unknown ids get the model's\n"
"                       answer without them (global mean and known biases)\n"
"      --shard I/N      only the users of shard I of N (FNV-1a 64 of the user\n"
"                       id mod N, as every rs program): each output line\n"
"                       starts with the user, so shards concatenate\n"
"\n"
"Model and scoring:\n"
"  -m, --model FILE     read the model from FILE (mapped, not read, when it\n"
"                       is an uncompressed file) instead of stdin\n"
"                       (given several times: a blend of the models,\n"
"                       which must come from the same matrix of rs-index)\n"
"      --weights W,W... the models' weights in a blend, >= 0 (default all 1)\n"
"      --blend HOW      score (default: sum of weighted per-user z-scores),\n"
"                       minmax (per-user min-max scaling instead) or rrf\n"
"                       (reciprocal rank fusion: sum of weight / (K + rank))\n"
"      --rrf-k K        K of --blend rrf (default 60)\n"
"      --popular        score by popularity (training users per item)\n"
"                       whatever model the input holds\n"
"  -n, --top N          list length (default 10)\n"
"      --exclude-seen   leave out the user's own items (default)\n"
"      --include-seen   keep them\n"
"\n"
"Output:\n"
"  -f, --format F       tsv (default), jsonl (one object per user:\n"
"                       {\"user\":..,\"items\":[..],\"scores\":[..]}) or redis\n"
"                       (DEL and RPUSH commands for redis-cli --pipe)\n"
"      --redis-prefix P key prefix for --format redis (default rs:recs:)\n"
"      --items FILE     add item titles from FILE: MovieLens movies.csv,\n"
"                       ml-100k u.item (Latin-1), movies.dat, or id<TAB>title\n"
"                       (an error when no id of FILE is a model item): a last\n"
"                       column (tsv, --predict too) or \"titles\" (jsonl); with\n"
"                       --similar, the query item's title follows as one more\n"
"                       column, or \"title\" in jsonl\n"
"  -o, --output FILE    write FILE (complete or not at all) instead of stdout\n"
"\n"
"Other:\n"
"  -j, --jobs N         worker threads (default: all cores)\n"
"      --batch N        users scored per block (default: about 16 MB of scores)\n"
"      --candidates FILE  list only the items of FILE (one id a line), e.g.\n"
"                       the cold items of rs-split --cold-items\n"
"  -v, --verbose        report the model, counts and times on stderr\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Examples:\n"
"  rs-index train.tsv | rs-svd -k 50 | rs-recommend -n 10 > recs.tsv\n"
"  rs-recommend -m model.rsm --user 10 -n 15 --items movies.csv\n"
"  rs-recommend -m model.rsm --similar 50 --format jsonl\n"
"  rs-recommend -m model.rsm --format redis -n 100 | redis-cli --pipe\n"
"  rs-recommend -m model.rsm -m bm25.rsm --weights 0.7,0.3 > recs.tsv\n"
"\n"
"Exit status: 0 success, 1 bad data (or an unknown --user/--similar id),\n"
"2 bad usage.  See rs-recommend(1).\n";

enum { OPT_SIMILAR = 256, OPT_HISTORY, OPT_PREDICT, OPT_POPULAR, OPT_EXCLUDE, OPT_INCLUDE,
       OPT_PREFIX, OPT_ITEMS, OPT_BATCH, OPT_FALLBACK, OPT_SHARD, OPT_WEIGHTS, OPT_BLEND,
       OPT_RRF_K, OPT_CANDIDATES };

static const struct option longopts[] = {
    { "user", required_argument, NULL, 'u' },
    { "similar", required_argument, NULL, OPT_SIMILAR },
    { "history", required_argument, NULL, OPT_HISTORY },
    { "fallback", required_argument, NULL, OPT_FALLBACK },
    { "predict", no_argument, NULL, OPT_PREDICT },
    { "shard", required_argument, NULL, OPT_SHARD },
    { "model", required_argument, NULL, 'm' },
    { "weights", required_argument, NULL, OPT_WEIGHTS },
    { "blend", required_argument, NULL, OPT_BLEND },
    { "rrf-k", required_argument, NULL, OPT_RRF_K },
    { "popular", no_argument, NULL, OPT_POPULAR },
    { "top", required_argument, NULL, 'n' },
    { "exclude-seen", no_argument, NULL, OPT_EXCLUDE },
    { "include-seen", no_argument, NULL, OPT_INCLUDE },
    { "format", required_argument, NULL, 'f' },
    { "redis-prefix", required_argument, NULL, OPT_PREFIX },
    { "items", required_argument, NULL, OPT_ITEMS },
    { "output", required_argument, NULL, 'o' },
    { "jobs", required_argument, NULL, 'j' },
    { "batch", required_argument, NULL, OPT_BATCH },
    { "candidates", required_argument, NULL, OPT_CANDIDATES },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
};

#define MODEL_WHAT "a model from rs-svd, rs-knn or rs-w2v (or a matrix from rs-index)"

typedef struct opts {
    const char *model, *output, *history, *titles, *prefix, *candidates;
    char **users, **similar;
    int nusers, nsimilar;
    const char **models;        /* -m, in order; model is models[0] */
    int nmodels;
    double *weights;            /* nmodels, or NULL: all 1 */
    rs_blend_opts blend;
    int predict, popular, fallback, verbose, format, threads;
    rs_rec_opts rec;
    rs_shard shard;     /* n == 0: every user */
} opts;

static int is_stdin(const char *path) { return !path || strcmp(path, "-") == 0; }

static const char **names(const rs_bundle *b, const char *block, uint64_t n, rs_err *e)
{
    rs_block *blk = rs_bundle_need(b, block, RS_STR, n, 1, e);
    if (!blk) rs_cmd_fail(NULL, e);
    return rs_block_strs(blk);
}

static rs_idmap *idmap(const rs_bundle *b, const char *block, rs_err *e)
{
    rs_idmap *m = rs_idmap_get(b, block, e);
    if (!m) rs_cmd_fail(NULL, e);
    return m;
}

/* Dense indices of the ids the model knows; the rest are reported. */
static size_t lookup(const rs_idmap *m, char **ids, int n, const char *what,
                     const rs_shard *sh, uint32_t *idx, const char **qname, int *unknown)
{
    size_t k = 0;
    for (int a = 0; a < n; a++) {
        if (!rs_shard_has(sh, ids[a], strlen(ids[a]))) continue;
        int64_t v = rs_idmap_find(m, ids[a], strlen(ids[a]));
        if (v < 0) {
            rs_warn("unknown %s '%s' (not in the model)", what, ids[a]);
            *unknown = 1;
            continue;
        }
        idx[k] = (uint32_t)v;
        qname[k++] = ids[a];
    }
    return k;
}

/* --weights W1,W2,...: one number >= 0 per -m. */
static void parse_weights(const char *arg, opts *o)
{
    char *copy = rs_xstrdup(arg), *save = NULL;
    int n = 0;
    o->weights = rs_xcalloc((size_t)(o->nmodels ? o->nmodels : 1), sizeof *o->weights);
    for (const char *p = arg; *p; p++) n += *p == ',';
    if (++n != o->nmodels)
        rs_usage_error("--weights: %d weight%s for %d model%s (one per -m)", n, n == 1 ? "" : "s",
                       o->nmodels, o->nmodels == 1 ? "" : "s");
    int k = 0;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        o->weights[k++] = rs_opt_double("--weights", t, 0, 1e9);
    if (k != n) rs_usage_error("--weights: an empty weight in '%s'", arg);
    double total = 0;
    for (k = 0; k < n; k++) total += o->weights[k];
    if (total <= 0) rs_usage_error("--weights: the weights are all 0");
    o->blend.weights = o->weights;
    free(copy);
}

static void parse(int argc, char **argv, opts *o)
{
    int c;
    o->threads = rs_threads_default();
    o->format = RS_LISTFMT_TSV;
    o->prefix = "rs:recs:";
    o->rec.n = 10;
    o->rec.exclude_seen = 1;
    o->users = rs_xcalloc((size_t)argc, sizeof *o->users);
    o->models = rs_xcalloc((size_t)argc + 1, sizeof *o->models);
    o->blend.method = RS_BLEND_SCORE;
    o->blend.rrf_k = RS_BLEND_RRF_K;
    const char *weights = NULL, *blend = NULL, *rrf_k = NULL;
    o->similar = rs_xcalloc((size_t)argc, sizeof *o->similar);
    while ((c = rs_getopt(argc, argv, "u:m:n:f:o:j:vhV", longopts)) != -1) {
        switch (c) {
        case 'u': o->users[o->nusers++] = optarg; break;
        case OPT_SIMILAR: o->similar[o->nsimilar++] = optarg; break;
        case OPT_HISTORY: o->history = optarg; break;
        case OPT_FALLBACK:
            if (strcmp(optarg, "popular") && strcmp(optarg, "none"))
                rs_usage_error("--fallback: '%s' is not one of popular, none", optarg);
            o->fallback = !strcmp(optarg, "popular");
            break;
        case OPT_PREDICT: o->predict = 1; break;
        case OPT_SHARD: {
            rs_err se = { 0 };
            if (rs_shard_parse(&o->shard, "--shard", optarg, &se) < 0) rs_usage_error("%s", se.msg);
            break;
        }
        case 'm': o->models[o->nmodels++] = optarg; break;
        case OPT_WEIGHTS: weights = optarg; break;
        case OPT_BLEND:
            if ((o->blend.method = rs_blend_method(optarg)) < 0)
                rs_usage_error("--blend: '%s' is not one of score, minmax, rrf", optarg);
            blend = optarg;
            break;
        case OPT_RRF_K:
            o->blend.rrf_k = rs_opt_double("--rrf-k", optarg, 1e-6, 1e9);
            rrf_k = optarg;
            break;
        case OPT_POPULAR: o->popular = 1; break;
        case OPT_EXCLUDE: o->rec.exclude_seen = 1; break;
        case OPT_INCLUDE: o->rec.exclude_seen = 0; break;
        case 'n': o->rec.n = (size_t)rs_opt_int("--top", optarg, 1, 1 << 24); break;
        case 'f':
            if ((o->format = rs_listwrite_format(optarg)) < 0)
                rs_usage_error("--format: '%s' is not one of tsv, jsonl, redis", optarg);
            break;
        case OPT_PREFIX: o->prefix = optarg; break;
        case OPT_ITEMS: o->titles = optarg; break;
        case 'o': o->output = optarg; break;
        case 'j': o->threads = rs_opt_jobs(optarg); break;
        case OPT_BATCH: o->rec.block = (size_t)rs_opt_int("--batch", optarg, 1, 1 << 20); break;
        case OPT_CANDIDATES: o->candidates = optarg; break;
        case 'v': o->verbose = 1; break;
        case 'h': rs_help(usage);
        case 'V': rs_version();
        default: rs_usage_error("unknown option");
        }
    }
    int modes = (o->nusers > 0) + (o->nsimilar > 0) + (o->history != NULL) + o->predict;
    if (modes > 1)
        rs_usage_error("--user, --similar, --history and --predict exclude each other");
    if (o->shard.n && o->nsimilar)
        rs_usage_error("--shard splits users: it does not go with --similar");
    if (o->fallback && !o->history)
        rs_usage_error("--fallback serves users outside the model: it goes with --history");
    int nargs = argc - optind;
    o->model = o->models[0];
    if (o->candidates && o->predict)
        rs_usage_error("--candidates limits lists: it does not go with --predict");
    if (o->predict) {
        if (!o->model) rs_usage_error("--predict reads the model from -m FILE "
                                      "(the pairs come from stdin or the files named)");
        if (o->popular) rs_usage_error("--popular does not predict ratings");
        if (o->format != RS_LISTFMT_TSV) rs_usage_error("--predict writes TSV only");
    } else {
        if (nargs > 1) rs_usage_error("one model at a time (got %d files)", nargs);
        if (nargs == 1 && o->model) rs_usage_error("model given twice (-m and an argument)");
        if (nargs == 1) o->model = o->models[o->nmodels++] = argv[optind];
    }
    if (weights) parse_weights(weights, o);
    if (rrf_k && o->blend.method != RS_BLEND_RRF)
        rs_usage_error("--rrf-k goes with --blend rrf");
    if (o->nmodels > 1 && o->popular)
        rs_usage_error("--popular scores one model by popularity: it does not go with a blend");
    if (o->nmodels > 1 && o->predict)
        rs_usage_error("--predict: a blend does not predict ratings (give one -m)");
    if (o->nmodels < 2 && (weights || blend || rrf_k))
        rs_usage_error("--%s blends models: give -m MODEL twice or more",
                       weights ? "weights" : blend ? "blend" : "rrf-k");
    /* Each input is read to its end in turn: a second reader of stdin
     * would find it empty. */
    const char *on_stdin[4];
    int nstdin = 0;
    int models_stdin = 0;
    for (int k = 0; k < (o->nmodels ? o->nmodels : 1); k++) models_stdin += is_stdin(o->models[k]);
    if (models_stdin > 1) rs_usage_error("-m -: only one model can come from standard input");
    if (models_stdin) on_stdin[nstdin++] = "the model";
    if (o->history && is_stdin(o->history)) on_stdin[nstdin++] = "--history -";
    if (o->titles && is_stdin(o->titles)) on_stdin[nstdin++] = "--items -";
    int pairs_stdin = o->predict && nargs == 0;
    for (int k = optind; o->predict && k < argc; k++) pairs_stdin |= is_stdin(argv[k]);
    if (pairs_stdin) on_stdin[nstdin++] = "the pairs";
    if (nstdin > 1)
        rs_usage_error("%s and %s cannot both read standard input (name a file for one of them)",
                       on_stdin[0], on_stdin[1]);
}

/* What the query kinds read: the model and what is derived from it. */
typedef struct model {
    rs_bundle b;                /* the (first) model's */
    rs_bundle *more;            /* the other models of a blend */
    int nmore;
    rs_scorer *s;
    const rs_csr *train;
    const char **inames;
    rs_idmap *imap, *umap;
    char **titles;
} model;

/* Several -m: one scorer over all (score/blend.h); the first model's
 * matrix, ids and titles serve the blend. */
static void open_blend(const opts *o, model *m, rs_err *e)
{
    m->nmore = o->nmodels - 1;
    m->more = rs_xcalloc((size_t)m->nmore, sizeof *m->more);
    const rs_bundle **bs = rs_xmalloc((size_t)o->nmodels * sizeof *bs);
    const char **labels = rs_xmalloc((size_t)o->nmodels * sizeof *labels);
    bs[0] = &m->b;
    for (int k = 0; k < o->nmodels; k++) {
        labels[k] = is_stdin(o->models[k]) ? "standard input" : o->models[k];
        if (k == 0) continue;
        if (rs_bundle_load_expect(o->models[k], &m->more[k - 1], MODEL_WHAT, e) < 0)
            rs_cmd_fail(NULL, e);
        bs[k] = &m->more[k - 1];
    }
    m->s = rs_blend_open(bs, labels, (size_t)o->nmodels, &o->blend, e);
    free(labels);
    free(bs);
}

static void open_model(const opts *o, model *m, rs_err *e)
{
    double t0 = rs_now();
    /* Mapped when it is a plain file: --user on a big model then reads
     * only the pages it scores with. */
    if (rs_bundle_load_expect(o->model, &m->b, MODEL_WHAT, e) < 0) rs_cmd_fail(NULL, e);
    if (o->nmodels > 1) open_blend(o, m, e);
    else m->s = rs_scorer_open_kind(&m->b, o->popular ? "popular" : NULL, e);
    if (!m->s) rs_cmd_fail(NULL, e);
    m->train = rs_scorer_train(m->s);
    if (o->nsimilar && !rs_scorer_can_similar(m->s))
        rs_usage_error("--similar: a %s model has no notion of item similarity",
                       rs_scorer_kind(m->s));
    if (o->predict && !rs_scorer_can_predict(m->s))
        rs_usage_error("--predict: a %s model does not predict ratings", rs_scorer_kind(m->s));
    m->inames = names(&m->b, "items", m->train->cols, e);
    if (o->titles || o->nsimilar || o->history || o->predict || o->candidates) m->imap = idmap(&m->b, "items", e);
    if (o->nusers || o->predict) m->umap = idmap(&m->b, "users", e);
    if (o->verbose)
        rs_warn("model %s: %u users, %u items, %llu training interactions; loaded in %.3f s",
                rs_scorer_kind(m->s), m->train->rows, m->train->cols,
                (unsigned long long)m->train->nnz, rs_now() - t0);
    if (!o->titles) return;
    uint32_t matched;
    if (!(m->titles = rs_titles_read(o->titles, m->imap, &matched, e))) rs_cmd_fail(NULL, e);
    /* A file that names none of the model's items is not its titles table
     * (another data set, or not a titles file at all). */
    if (matched == 0 && m->train->cols > 0)
        rs_die(RS_EDATA, "%s: no id in it is an item of the model (--items wants the titles "
               "of the model's items: movies.csv, u.item, movies.dat or id<TAB>title)", o->titles);
    if (o->verbose) rs_warn("%s: titles for %u of %u items", o->titles, matched, m->train->cols);
}

static void close_model(model *m)
{
    rs_idmap_free(m->umap);
    rs_idmap_free(m->imap);
    rs_titles_free(m->titles, m->train->cols);
    free(m->inames);
    rs_scorer_close(m->s);
    rs_bundle_free(&m->b);
    for (int k = 0; k < m->nmore; k++) rs_bundle_free(&m->more[k]);
    free(m->more);
}

/* What one query kind did: queries answered, and whether some were not. */
typedef struct done {
    size_t nq;
    int incomplete;     /* exit 1 after the output: an unknown id, a skipped user */
} done;

static int run_predict(const opts *o, const model *m, char **paths, int npaths, FILE *f,
                       done *d, rs_err *e)
{
    rs_ratings p;
    rs_ratings_init(&p);
    if (rs_ratings_read_paths(paths, npaths, &p, e) < 0) return -1;
    rs_ratings_shard(&p, &o->shard);
    uint64_t uu, ui;
    int rc = rs_recommend_predict_titled(m->s, m->umap, m->imap,
                                         (const char *const *)m->titles, &p, f, &uu, &ui, e);
    d->nq = p.n;
    if (rc == 0 && (uu || ui))
        rs_warn("%llu of %zu pairs with an unknown user, %llu with an unknown item "
                "(predicted without them)", (unsigned long long)uu, p.n, (unsigned long long)ui);
    rs_ratings_free(&p);
    return rc;
}

/* History users of whom the model knows no item cannot be folded in: their
 * scores would be the model's answer for nobody.  They get the popular
 * list with --fallback popular, else they are left out (and said so). */
static int run_history(const opts *o, const model *m, rs_listwrite *w, FILE *f, done *d,
                       rs_err *e)
{
    rs_ratings h;
    rs_ratings_init(&h);
    char *paths[1] = { (char *)o->history };
    if (rs_ratings_read_paths(paths, 1, &h, e) < 0) return -1;
    rs_ratings_shard(&h, &o->shard);
    rs_csr hm;
    uint64_t skipped;
    rs_history_matrix(&h, m->imap, &hm, &skipped);
    if (o->verbose && skipped)
        rs_warn("%s: %llu history rows name items the model does not know (ignored)",
                o->history, (unsigned long long)skipped);
    size_t nq = hm.rows, blind = 0;
    const char **qnames = rs_xmalloc((nq ? nq : 1) * sizeof *qnames);
    for (size_t q = 0; q < nq; q++) {
        qnames[q] = rs_idmap_str(h.users, (uint32_t)q);
        blind += hm.indptr[q] == hm.indptr[q + 1];
    }
    /* Popularity needs no known item: nothing to fall back from. */
    int needs_items = strcmp(rs_scorer_kind(m->s), "popular") != 0;
    rs_scorer *pop = NULL;
    int rc = 0;
    if (needs_items && blind && o->fallback && !(pop = rs_scorer_open_kind(&m->b, "popular", e))) {
        rc = -1;
        goto out;
    }
    /* Runs of users alike go to one scorer each, in input order; a run is
     * a view of hm's rows (indptr keeps absolute offsets). */
    for (size_t r0 = 0; r0 < nq && rc == 0;) {
        int blind0 = needs_items && hm.indptr[r0] == hm.indptr[r0 + 1];
        size_t r1 = r0 + 1;
        while (r1 < nq && (needs_items && hm.indptr[r1] == hm.indptr[r1 + 1]) == blind0) r1++;
        rs_csr run = hm;
        run.rows = (uint32_t)(r1 - r0);
        run.indptr = hm.indptr + r0;
        rs_listwrite rw = *w;
        rw.qname = qnames + r0;
        if (!blind0) rc = rs_recommend_history(m->s, &run, &o->rec, rs_listwrite_emit, &rw, f, e);
        else if (pop) rc = rs_recommend_history(pop, &run, &o->rec, rs_listwrite_emit, &rw, f, e);
        r0 = r1;
    }
    if (rc < 0) goto out;
    d->nq = nq;
    if (needs_items && blind == nq && !pop) {
        rc = rs_errf(e, RS_EDATA, "%s: no item of the history is known to the model%s "
                     "(--fallback popular serves the most popular items instead)", o->history,
                     nq > 1 ? " (for any of its users)" : "");
    } else if (needs_items && blind) {
        if (pop) {
            rs_warn("%zu of %zu history users know no item of the model: served the popular "
                    "list (--fallback popular)", blind, nq);
        } else {
            rs_warn("%zu of %zu history users skipped: no item of their history is known to "
                    "the model (--fallback popular serves them the popular list)", blind, nq);
            d->incomplete = 1;
        }
    }
out:
    if (pop) rs_scorer_close(pop);
    free(qnames);
    rs_csr_free(&hm);
    rs_ratings_free(&h);
    return rc;
}

/* --similar and --user: the ids the model knows, in the order given. */
static int run_listed(const opts *o, const model *m, rs_listwrite *w, FILE *f, done *d,
                      rs_err *e)
{
    int similar = o->nsimilar > 0;
    int n = similar ? o->nsimilar : o->nusers;
    uint32_t *idx = rs_xmalloc((size_t)n * sizeof *idx);
    const char **qnames = rs_xmalloc((size_t)n * sizeof *qnames);
    const char **qtitles = NULL;
    d->nq = lookup(similar ? m->imap : m->umap, similar ? o->similar : o->users, n,
                   similar ? "item" : "user", &o->shard, idx, qnames, &d->incomplete);
    w->qname = qnames;
    int rc;
    if (similar) {
        w->key = "item";
        if (m->titles) {
            qtitles = rs_xmalloc((size_t)n * sizeof *qtitles);
            for (size_t q = 0; q < d->nq; q++) qtitles[q] = m->titles[idx[q]];
            w->qtitle = qtitles;
        }
        rc = rs_recommend_similar(m->s, idx, d->nq, &o->rec, rs_listwrite_emit, w, f, e);
    } else {
        rc = rs_recommend_users(m->s, idx, d->nq, &o->rec, rs_listwrite_emit, w, f, e);
    }
    free(idx);
    free(qnames);
    free(qtitles);
    return rc;
}

static int run_all(const opts *o, const model *m, rs_listwrite *w, FILE *f, done *d, rs_err *e)
{
    const char **qnames = names(&m->b, "users", m->train->rows, e);
    w->qname = qnames;
    d->nq = m->train->rows;
    if (!o->shard.n) {
        int rc = rs_recommend_users(m->s, NULL, 0, &o->rec, rs_listwrite_emit, w, f, e);
        free(qnames);
        return rc;
    }
    /* The shard's users in model order; qnames is packed to match. */
    uint32_t *idx = rs_xmalloc((d->nq ? d->nq : 1) * sizeof *idx);
    size_t nq = 0;
    for (uint32_t u = 0; u < m->train->rows; u++)
        if (rs_shard_has(&o->shard, qnames[u], strlen(qnames[u]))) {
            idx[nq] = u;
            qnames[nq++] = qnames[u];
        }
    d->nq = nq;
    int rc = rs_recommend_users(m->s, idx, nq, &o->rec, rs_listwrite_emit, w, f, e);
    free(idx);
    free(qnames);
    return rc;
}

int main(int argc, char **argv)
{
    opts o = { 0 };
    parse(argc, argv, &o);
    rs_err e = { 0 };
    rs_outset *set = rs_outset_new();
    for (int k = 0; k < (o.nmodels ? o.nmodels : 1); k++)
        rs_cmd_input(set, "-m", o.models[k], "a model", "it with -m FILE or a pipe");
    if (o.history)
        rs_cmd_input(set, "--history", o.history, "the --history rows",
                     "them with --history FILE");
    if (o.titles)
        rs_cmd_input(set, "--items", o.titles, "the --items titles", "them with --items FILE");
    if (o.candidates)
        rs_cmd_input(set, "--candidates", o.candidates, "the candidate items",
                     "them with --candidates FILE");
    if (o.predict)
        rs_cmd_inputs(set, argv + optind, argc - optind, "(user, item) pairs",
                      "them as PAIRS files or through a pipe");

    /* BLAS stays on one thread inside each of our workers: measured faster
     * than one worker over a threaded BLAS (bench/recommend.sh), and a
     * row's scores then never depend on -j.  Set before the scorer opens,
     * so no idle BLAS threads spin beside the workers. */
    rs_blas_threads(1);
    model m = { 0 };
    open_model(&o, &m, &e);
    unsigned char *allow = NULL;
    if (o.candidates) {
        uint64_t unknown;
        char first[80];
        allow = rs_candidates_read(o.candidates, m.imap, &unknown, first, sizeof first, &e);
        if (!allow) rs_cmd_fail(NULL, &e);
        if (unknown)
            rs_warn("--candidates %s: %llu unknown item%s (first: '%s'), left out", o.candidates,
                    (unsigned long long)unknown, unknown == 1 ? "" : "s", first);
        o.rec.allow = allow;
    }

    rs_out *out = rs_cmd_open(set, "-o", o.output, 0);
    FILE *f = rs_out_file(out);
    rs_listwrite w = { .format = o.format, .key = "user", .prefix = o.prefix,
                      .iname = m.inames, .title = (const char *const *)m.titles };
    rs_progress prog;
    o.rec.progress = &prog;
    o.rec.threads = o.threads;
    double t1 = rs_now();
    done d = { 0 };
    int rc;
    if (o.predict) rc = run_predict(&o, &m, argv + optind, argc - optind, f, &d, &e);
    else if (o.history) rc = run_history(&o, &m, &w, f, &d, &e);
    else if (o.nsimilar || o.nusers) rc = run_listed(&o, &m, &w, f, &d, &e);
    else rc = run_all(&o, &m, &w, f, &d, &e);
    if (rc < 0) rs_cmd_fail(out, &e);
    rs_cmd_close(out);
    if (o.verbose)
        rs_warn("%zu %s in %.4f s (%d thread%s)", d.nq, o.predict ? "pairs" : "lists",
                rs_now() - t1, o.threads, o.threads == 1 ? "" : "s");

    close_model(&m);
    free(allow);
    free(o.users);
    free(o.similar);
    free(o.models);
    free(o.weights);
    return d.incomplete ? RS_EDATA : 0;
}
