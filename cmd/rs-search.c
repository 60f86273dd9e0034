/* rs-search: a search over the settings of a command (any rs pipeline):
 * random or TPE proposals (lib/tune/sampler.h), trials as child processes
 * (lib/tune/run.h), every result a TSV row as it ends, resumable. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "cli/cli.h"
#include "common/err.h"
#include "common/progress.h"
#include "tune/run.h"
#include "tune/sampler.h"
#include "tune/space.h"

static const char usage[] =
"Usage: rs-search [OPTION]... SPACE COMMAND\n"
"Search the settings of COMMAND (a shell command line with {NAME} where the\n"
"value of parameter NAME goes, and {trial} for the trial number) over the\n"
"parameters in the file SPACE, one a line:\n"
"  NAME int LO HI [log]     an integer in LO..HI\n"
"  NAME float LO HI [log]   a real number in LO..HI (log: on a log scale)\n"
"  NAME choice A B ...      one of the words\n"
"Each trial runs COMMAND with sh; its metric is the number on the last line\n"
"of its standard output, or that line's column NAME (--column: the output is\n"
"a TSV with a header, like rs-eval's report).  A row per trial is written to\n"
"FILE (-o) or standard output as the trial ends; the best trial is reported\n"
"on standard error at the end.\n"
"\n"
"  -n, --trials N         trials in all, those of a resumed search included\n"
"                         (default 20)\n"
"  -j, --jobs N           trials at a time (default 1)\n"
"      --sampler NAME     tpe: Tree-structured Parzen Estimator, as optuna's\n"
"                         default (default); random: uniform draws\n"
"      --startup N        random trials before TPE starts (default 10)\n"
"      --minimize         smaller metrics are better (default)\n"
"      --maximize         larger metrics are better\n"
"      --column NAME      the metric is column NAME of the last output line\n"
"      --seed S           seed of the proposals (default 1)\n"
"  -o, --output FILE      append the rows to FILE (a header first when it is\n"
"                         new); without --resume FILE must not exist yet\n"
"      --resume           read FILE's trials first and run the rest\n"
"  -v, --verbose          print each trial's command on stderr\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"Rows: trial, the parameters, metric, seconds, status (ok, exit N, signal N,\n"
"or no metric).  A trial's proposal depends on the seed, its number and the\n"
"trials finished before it was proposed: with -j 1 a search is the same on\n"
"every run; with -j N it depends on which trials finish first.\n"
"\n"
"Examples:\n"
"  printf 'k int 2 30 log\\nreg float 0.001 1 log\\n' > space.txt && \\\n"
"  rs-search -n 12 --column rmse space.txt 'rs-svd -a funk -k {k} --reg {reg} \\\n"
"      -j 1 --epochs 20 train.rsm | rs-recommend -m - --predict test.tsv \\\n"
"      | rs-eval --predictions - -t test.tsv' > trials.tsv\n"
"  printf 'k int 8 64 log\\nreg float 0.01 10 log\\n' > space.txt && \\\n"
"  rs-search -n 6 -j 2 --maximize --column ndcg -o als.tsv space.txt \\\n"
"      'rs-svd -a als -k {k} --reg {reg} -j 1 train.rsm | rs-recommend -n 10 \\\n"
"      | rs-eval -t test.tsv -k 10'\n"
"\n"
"Exit status: 0 when a trial gave a metric, 1 when none did or on bad data\n"
"(SPACE, or FILE with --resume), 2 bad usage.\n";

enum { OPT_SAMPLER = 256, OPT_STARTUP, OPT_MIN, OPT_MAX, OPT_COLUMN, OPT_SEED, OPT_RESUME };

typedef struct search {
    rs_space space;
    rs_sampler_opts so;
    const char *tmpl, *column, *output;
    long trials;
    int jobs, maximize, resume, verbose;
    /* What has finished: settings (internal), metrics (smaller is better). */
    double *X, *y;
    size_t nobs;
    long next;                  /* the next trial number */
    long done, ok;
    long best_trial;
    double best;                /* as reported (not negated) */
    char **best_values;
} search;

static void observe(search *s, const double *x, double metric, long trial, char *const *values)
{
    size_t d = (size_t)s->space.n;
    s->X = rs_xrealloc(s->X, (s->nobs + 1) * d * sizeof *s->X);
    s->y = rs_xrealloc(s->y, (s->nobs + 1) * sizeof *s->y);
    memcpy(s->X + s->nobs * d, x, d * sizeof *x);
    s->y[s->nobs++] = s->maximize ? -metric : metric;
    s->ok++;
    if (s->best_trial == 0 || (s->maximize ? metric > s->best : metric < s->best)) {
        s->best = metric;
        s->best_trial = trial;
        for (size_t j = 0; j < d; j++) {
            free(s->best_values[j]);
            s->best_values[j] = rs_xstrdup(values[j]);
        }
    }
}

/* --resume: the trials already in the table count as done. */
static void resume(search *s)
{
    rs_results r;
    rs_err e = { 0 };
    if (rs_results_read(s->output, &s->space, &r, &e) < 0) rs_die_err(&e);
    size_t d = (size_t)s->space.n;
    for (size_t i = 0; i < r.n; i++) {
        if (r.trial[i] >= s->next) s->next = r.trial[i] + 1;
        s->done++;
        if (!isnan(r.metric[i])) observe(s, r.x + i * d, r.metric[i], r.trial[i], r.values + i * d);
    }
    rs_results_free(&r, &s->space);
}

static void start(search *s, rs_job *j, rs_err *e)
{
    size_t d = (size_t)s->space.n;
    j->trial = s->next++;
    j->x = rs_xmalloc(d * sizeof *j->x + 1);
    j->values = rs_xcalloc(d + 1, sizeof *j->values);
    rs_sampler_propose(&s->space, &s->so, s->X, s->y, s->nobs, j->trial, j->x);
    for (size_t k = 0; k < d; k++) {
        char buf[96];
        rs_param_format(&s->space.p[k], j->x[k], buf, sizeof buf);
        j->values[k] = rs_xstrdup(buf);
        /* The value that runs is the value recorded: learn from it. */
        rs_param_parse(&s->space.p[k], buf, &j->x[k]);
    }
    char *cmd = rs_space_expand(&s->space, s->tmpl, j->values, j->trial);
    if (s->verbose) rs_warn("trial %ld: %s", j->trial, cmd);
    int rc = rs_job_start(j, cmd, e);
    free(cmd);
    if (rc < 0) rs_die_err(e);
}

static void finish(search *s, rs_job *j, int status, FILE *out)
{
    double secs = rs_now() - j->t0, metric = NAN;
    char st[160], why[160];
    if (WIFSIGNALED(status)) snprintf(st, sizeof st, "signal %d", WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0) snprintf(st, sizeof st, "exit %d", WEXITSTATUS(status));
    else if (rs_job_metric(j, s->column, &metric, why, sizeof why) < 0) {
        snprintf(st, sizeof st, "no metric");
        rs_warn("trial %ld: no metric: %s", j->trial, why);
        metric = NAN;
    } else snprintf(st, sizeof st, "ok");
    if (j->out) {
        fclose(j->out);
        j->out = NULL;
    }
    if (strcmp(st, "ok")) rs_warn("trial %ld failed (%s)", j->trial, st);
    rs_results_row(out, &s->space, j->trial, j->values, metric, secs, st);
    if (fflush(out) == EOF || ferror(out))
        rs_die(RS_EDATA, "%s: write error: %s", s->output ? s->output : "(stdout)", strerror(errno));
    s->done++;
    if (!isnan(metric)) observe(s, j->x, metric, j->trial, j->values);
    for (int k = 0; k < s->space.n; k++) free(j->values[k]);
    free(j->values);
    free(j->x);
    j->pid = 0;
}

static FILE *open_output(search *s)
{
    if (!s->output) {
        rs_results_header(stdout, &s->space);
        return stdout;
    }
    FILE *f = fopen(s->output, "a");
    if (!f) rs_die(RS_EDATA, "%s: %s", s->output, strerror(errno));
    if (ftell(f) == 0) rs_results_header(f, &s->space);
    else if (!s->resume) rs_usage_error("-o %s: the file exists; give --resume to go on with its trials, or "
                                        "another name", s->output);
    return f;
}

static void run(search *s)
{
    rs_err e = { 0 };
    if (s->resume) resume(s);
    FILE *out = open_output(s);
    rs_job *jobs = rs_xcalloc((size_t)s->jobs, sizeof *jobs);
    int running = 0;
    long left = s->trials - s->done;
    if (left < 0) left = 0;
    for (;;) {
        for (int k = 0; k < s->jobs && left > 0; k++)
            if (!jobs[k].pid) {
                start(s, &jobs[k], &e);
                running++;
                left--;
            }
        if (!running) break;
        int status, k = rs_job_wait(jobs, s->jobs, &status, &e);
        if (k < 0) rs_die_err(&e);
        finish(s, &jobs[k], status, out);
        running--;
    }
    if (out != stdout && fclose(out) == EOF) rs_die(RS_EDATA, "%s: write error: %s", s->output, strerror(errno));
    free(jobs);
    if (!s->ok) rs_die(RS_EDATA, "no trial of %ld gave a metric", s->done);
    char line[2048];
    size_t len = 0;
    for (int k = 0; k < s->space.n; k++)
        len += (size_t)snprintf(line + len, len < sizeof line ? sizeof line - len : 0, " %s=%s",
                                s->space.p[k].name, s->best_values[k]);
    rs_warn("best of %ld trials (%ld with a metric): trial %ld, metric %.10g:%s", s->done, s->ok,
            s->best_trial, s->best, line);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "trials", required_argument, NULL, 'n' },
        { "jobs", required_argument, NULL, 'j' },
        { "sampler", required_argument, NULL, OPT_SAMPLER },
        { "startup", required_argument, NULL, OPT_STARTUP },
        { "minimize", no_argument, NULL, OPT_MIN },
        { "maximize", no_argument, NULL, OPT_MAX },
        { "column", required_argument, NULL, OPT_COLUMN },
        { "seed", required_argument, NULL, OPT_SEED },
        { "output", required_argument, NULL, 'o' },
        { "resume", no_argument, NULL, OPT_RESUME },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    search s = { 0 };
    rs_sampler_defaults(&s.so);
    s.trials = 20;
    s.jobs = 1;
    int c;
    while ((c = rs_getopt(argc, argv, "n:j:o:vhV", longopts)) != -1) {
        switch (c) {
        case 'n': s.trials = (long)rs_opt_int("-n", optarg, 1, 1000000); break;
        case 'j': s.jobs = (int)rs_opt_int("-j", optarg, 1, 1024); break;
        case OPT_SAMPLER:
            if ((s.so.kind = rs_sampler_parse(optarg)) < 0)
                rs_usage_error("--sampler: '%s' is not one of tpe, random", optarg);
            break;
        case OPT_STARTUP: s.so.n_startup = (int)rs_opt_int("--startup", optarg, 0, 1000000); break;
        case OPT_MIN: s.maximize = 0; break;
        case OPT_MAX: s.maximize = 1; break;
        case OPT_COLUMN: s.column = optarg; break;
        case OPT_SEED: s.so.seed = rs_opt_seed("--seed", optarg); break;
        case 'o': s.output = optarg; break;
        case OPT_RESUME: s.resume = 1; break;
        case 'v': s.verbose = 1; break;
        case 'h': rs_help(usage);
        case 'V': rs_version();
        default: return RS_EUSAGE;
        }
    }
    if (argc - optind != 2)
        rs_usage_error("give a SPACE file and a COMMAND (%d argument%s given)", argc - optind,
                       argc - optind == 1 ? "" : "s");
    if (s.resume && !s.output) rs_usage_error("--resume needs -o FILE (the table to go on with)");
    s.tmpl = argv[optind + 1];
    rs_err e = { 0 };
    if (rs_space_read(argv[optind], &s.space, &e) < 0) rs_die_err(&e);
    if (rs_space_check_template(&s.space, s.tmpl, &e) < 0) rs_usage_error("%s", e.msg);
    s.next = 1;
    s.best_values = rs_xcalloc((size_t)s.space.n + 1, sizeof *s.best_values);
    /* A trial's reader leaving early is its business; ours is stdout. */
    run(&s);
    for (int k = 0; k < s.space.n; k++) free(s.best_values[k]);
    free(s.best_values);
    free(s.X);
    free(s.y);
    rs_space_free(&s.space);
    return 0;
}
