/* rs-serve: a model loaded once, answered over HTTP. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "common/err.h"
#include "common/parallel.h"
#include "common/progress.h"
#include "serve/server.h"

static const char usage[] =
"Usage: rs-serve -m MODEL [OPTION]...\n"
"Load a model from rs-svd, rs-knn or rs-w2v (or a matrix from rs-index:\n"
"most popular) once and answer over HTTP with JSON, as rs-recommend would:\n"
"\n"
"  GET  /recommended?user=ID&n=N   top N without the user's own items\n"
"  POST /recommended               the same, {\"user\":ID,\"n\":N} as body\n"
"  GET  /recs?user_id=ID&top=N     the same as an HTML page\n"
"  GET  /viewed?user=ID&n=N        the user's own items, best rated first\n"
"                                  (&order=time: most recent first)\n"
"  GET  /similar?item=ID&n=N       the items most similar to ITEM\n"
"  GET  /predict?user=ID&item=ID   the predicted rating\n"
"  POST /recommend                 fold-in for a user the model has never\n"
"                                  seen: {\"items\":[..],\"ratings\":[..]}\n"
"  POST /recompute?k=50            refit the model (same kind; options by\n"
"                                  their meta names) and swap it in\n"
"  GET  /metrics                   Prometheus text (?format=json: JSON)\n"
"  GET  /health\n"
"\n"
"Options:\n"
"  -m, --model FILE     the model (SIGHUP reads it again and swaps it in)\n"
"      --train FILE     matrix from rs-index for /viewed and /recompute\n"
"                       (default: the model's own training matrix)\n"
"      --items FILE     item titles: MovieLens movies.csv, ml-100k u.item,\n"
"                       movies.dat, or id<TAB>title\n"
"  -l, --listen ADDR    HOST:PORT to listen on (default 127.0.0.1:8080; port\n"
"                       0 picks a free one); the address is said on stderr\n"
"  -j, --jobs N         HTTP worker threads (default: all cores)\n"
"      --fit-jobs N     threads of a refit (default: all cores)\n"
"      --max-body N     largest request body in bytes (default 1048576)\n"
"      --grace SECONDS  on SIGTERM, how long requests in flight may take\n"
"                       to finish (default 10)\n"
"  -v, --verbose        report loads, reloads and refits on stderr\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Examples:\n"
"  rs-index train.tsv | rs-svd -k 50 > model.rs\n"
"  rs-serve -m model.rsm --items movies.csv --listen 127.0.0.1:8080 &\n"
"  curl 'http://127.0.0.1:8080/recommended?user=10&n=15'\n"
"  curl -X POST 'http://127.0.0.1:8080/recompute?k=20'\n"
"  curl -d '{\"items\":[\"1\",\"50\"],\"ratings\":[5,4]}' http://127.0.0.1:8080/recommend\n"
"\n"
"Exit status: 0 stopped by SIGTERM or SIGINT, 1 bad model or address in\n"
"use, 2 bad usage.  See rs-serve(1).\n";

enum { OPT_TRAIN = 256, OPT_ITEMS, OPT_FIT_JOBS, OPT_MAX_BODY, OPT_GRACE };

static void log_line(void *ctx, const char *msg)
{
    (void)ctx;
    rs_warn("%s", msg);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "model", required_argument, NULL, 'm' },
        { "train", required_argument, NULL, OPT_TRAIN },
        { "items", required_argument, NULL, OPT_ITEMS },
        { "listen", required_argument, NULL, 'l' },
        { "jobs", required_argument, NULL, 'j' },
        { "fit-jobs", required_argument, NULL, OPT_FIT_JOBS },
        { "max-body", required_argument, NULL, OPT_MAX_BODY },
        { "grace", required_argument, NULL, OPT_GRACE },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    rs_srv_opts o = { .listen = "127.0.0.1:8080", .max_body = 1 << 20 };
    double grace = 10;
    int verbose = 0, c;
    while ((c = rs_getopt(argc, argv, "m:l:j:vhV", longopts)) != -1) {
        switch (c) {
        case 'm': o.model_path = optarg; break;
        case OPT_TRAIN: o.train_path = optarg; break;
        case OPT_ITEMS: o.titles_path = optarg; break;
        case 'l': o.listen = optarg; break;
        case 'j': o.threads = rs_opt_jobs(optarg); break;
        case OPT_FIT_JOBS: o.fit_threads = rs_opt_jobs(optarg); break;
        case OPT_MAX_BODY: o.max_body = (size_t)rs_opt_int("--max-body", optarg, 1, 1 << 30); break;
        case OPT_GRACE: grace = rs_opt_double("--grace", optarg, 0, 86400); break;
        case 'v': verbose = 1; break;
        case 'h': rs_help(usage);
        case 'V': rs_version();
        default: return RS_EUSAGE;
        }
    }
    if (optind < argc) rs_usage_error("unexpected argument '%s' (the model is -m FILE)", argv[optind]);
    if (!o.model_path) rs_usage_error("no model: give -m FILE");
    if (!strcmp(o.model_path, "-")) rs_usage_error("-m: the model must be a file (SIGHUP reads it again)");
    if (!o.threads) o.threads = rs_threads_default();
    if (!o.fit_threads) o.fit_threads = rs_threads_default();
    o.log = log_line;
    /* One request is one user: BLAS threads would only compete with the
     * HTTP workers, and a score then never depends on the load. */
    rs_blas_threads(1);

    /* Signals are taken by this thread alone (sigwait), so the HTTP and
     * refit threads, which inherit the mask, are never interrupted. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    rs_err e = { 0 };
    double t0 = rs_now();
    rs_srv *s = rs_srv_start(&o, &e);
    if (!s) rs_die_err(&e);
    rs_warn("listening on %s", rs_srv_address(s));
    if (verbose) rs_warn("model %s loaded in %.3f s", o.model_path, rs_now() - t0);
    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0) continue;
        if (sig == SIGHUP) {
            double t1 = rs_now();
            if (rs_srv_reload(s, &e) < 0) rs_warn("reload of %s failed (the old model stays): %s",
                                                   o.model_path, e.msg);
            else if (verbose) rs_warn("reloaded %s in %.3f s", o.model_path, rs_now() - t1);
            continue;
        }
        if (verbose) rs_warn("stopping (%s)", sig == SIGTERM ? "SIGTERM" : "SIGINT");
        if (rs_srv_stop(s, grace) != 0) rs_warn("a refit was still running at exit");
        return 0;
    }
}
