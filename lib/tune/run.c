#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tune/run.h"
#include "common/progress.h"

int rs_job_start(rs_job *j, const char *cmd, rs_err *e)
{
    j->out = tmpfile();
    if (!j->out) return rs_errf(e, RS_EDATA, "cannot make a temporary file: %s", strerror(errno));
    fflush(NULL);
    j->t0 = rs_now();
    pid_t pid = fork();
    if (pid < 0) {
        fclose(j->out);
        j->out = NULL;
        return rs_errf(e, RS_EDATA, "cannot start trial %ld: %s", j->trial, strerror(errno));
    }
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        if (in < 0 || dup2(in, 0) < 0 || dup2(fileno(j->out), 1) < 0) _exit(126);
        /* The search may ignore SIGPIPE; a trial's pipes must not. */
        signal(SIGPIPE, SIG_DFL);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    j->pid = pid;
    return 0;
}

int rs_job_wait(rs_job *jobs, int n, int *status, rs_err *e)
{
    for (;;) {
        pid_t pid = waitpid(-1, status, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            return rs_errf(e, RS_EDATA, "waitpid: %s", strerror(errno));
        }
        for (int k = 0; k < n; k++)
            if (jobs[k].pid == pid) return k;
        /* Not ours (a child the caller started otherwise): wait on. */
    }
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = '\0';
    return s;
}

/* Field c (0-based) of a tab-separated line, in place, or NULL. */
static char *field(char *line, int c)
{
    for (int k = 0; k < c; k++) {
        line = strchr(line, '\t');
        if (!line) return NULL;
        line++;
    }
    char *tab = strchr(line, '\t');
    if (tab) *tab = '\0';
    return line;
}

int rs_job_metric(rs_job *j, const char *column, double *v, char *why, size_t n)
{
    rewind(j->out);
    char *line = NULL, *first = NULL, *last = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, j->out)) >= 0) {
        if (!first) first = rs_xstrdup(line);
        if (*trim(line)) {
            free(last);
            last = rs_xstrdup(line);
        }
    }
    free(line);
    int rc = -1;
    if (!last) {
        snprintf(why, n, "no output");
    } else {
        char *text = last;
        if (column) {
            int c = 0;
            char *h = first, *name;
            trim(h);
            for (name = h;; c++) {
                char *tab = strchr(name, '\t');
                if (tab) *tab = '\0';
                if (!strcmp(name, column)) break;
                if (!tab) {
                    name = NULL;
                    break;
                }
                name = tab + 1;
            }
            text = name ? field(last, c) : NULL;
            if (!name) snprintf(why, n, "no column '%.60s' in the first line of the output", column);
            else if (!text) snprintf(why, n, "the last line has no column '%.60s'", column);
        }
        if (text) {
            char *end;
            text = trim(text);
            errno = 0;
            *v = strtod(text, &end);
            if (!*text || *end || errno || !isfinite(*v))
                snprintf(why, n, "'%.60s' is not a number", text);
            else rc = 0;
        }
    }
    free(first);
    free(last);
    fclose(j->out);
    j->out = NULL;
    return rc;
}

void rs_results_header(FILE *f, const rs_space *s)
{
    fputs("trial", f);
    for (int j = 0; j < s->n; j++) fprintf(f, "\t%s", s->p[j].name);
    fputs("\tmetric\tseconds\tstatus\n", f);
}

void rs_results_row(FILE *f, const rs_space *s, long trial, char *const *values, double metric,
                    double seconds, const char *status)
{
    fprintf(f, "%ld", trial);
    for (int j = 0; j < s->n; j++) fprintf(f, "\t%s", values[j]);
    if (isnan(metric)) fputs("\t", f);
    else fprintf(f, "\t%.10g", metric);
    fprintf(f, "\t%.3f\t%s\n", seconds, status);
}

void rs_results_free(rs_results *r, const rs_space *s)
{
    for (size_t i = 0; i < r->n * (size_t)s->n; i++) free(r->values[i]);
    free(r->values);
    free(r->trial);
    free(r->x);
    free(r->metric);
    free(r->seconds);
    memset(r, 0, sizeof *r);
}

static int read_row(char *line, const char *path, long ln, const rs_space *s, rs_results *r, rs_err *e)
{
    const int nf = s->n + 4;
    char *f[nf + 1];
    int got = 0;
    for (char *c = line; got <= nf;) {
        f[got++] = c;
        char *tab = strchr(c, '\t');
        if (!tab) break;
        *tab = '\0';
        c = tab + 1;
    }
    if (got != nf)
        return rs_errf(e, RS_EDATA, "%s: line %ld: %d fields, want %d (the header's)", path, ln, got, nf);
    size_t i = r->n, d = (size_t)s->n;
    r->trial = rs_xrealloc(r->trial, (i + 1) * sizeof *r->trial);
    r->x = rs_xrealloc(r->x, (i + 1) * d * sizeof *r->x + 1);
    r->metric = rs_xrealloc(r->metric, (i + 1) * sizeof *r->metric);
    r->seconds = rs_xrealloc(r->seconds, (i + 1) * sizeof *r->seconds);
    r->values = rs_xrealloc(r->values, (i + 1) * d * sizeof *r->values + 1);
    char *end;
    errno = 0;
    long t = strtol(f[0], &end, 10);
    if (!*f[0] || *end || errno || t < 1)
        return rs_errf(e, RS_EDATA, "%s: line %ld, field 1 (trial): not a trial number: '%s'", path, ln, f[0]);
    for (size_t k = 0; k < i; k++)
        if (r->trial[k] == t)
            return rs_errf(e, RS_EDATA, "%s: line %ld, field 1 (trial): trial %ld is there twice", path, ln, t);
    for (int j = 0; j < s->n; j++)
        if (rs_param_parse(&s->p[j], f[j + 1], &r->x[i * d + (size_t)j]) < 0)
            return rs_errf(e, RS_EDATA, "%s: line %ld, field %d (%s): '%s' is not a value of the space",
                           path, ln, j + 2, s->p[j].name, f[j + 1]);
    double m = NAN, sec;
    const char *st = f[s->n + 3];
    if (!strcmp(st, "ok")) {
        errno = 0;
        m = strtod(f[s->n + 1], &end);
        if (!*f[s->n + 1] || *end || errno || !isfinite(m))
            return rs_errf(e, RS_EDATA, "%s: line %ld, field %d (metric): not a number: '%s'", path, ln,
                           s->n + 2, f[s->n + 1]);
    }
    sec = strtod(f[s->n + 2], NULL);
    for (int j = 0; j < s->n; j++) r->values[i * d + (size_t)j] = rs_xstrdup(f[j + 1]);
    r->trial[i] = t;
    r->metric[i] = m;
    r->seconds[i] = sec;
    r->n++;
    return 0;
}

int rs_results_read(const char *path, const rs_space *s, rs_results *r, rs_err *e)
{
    memset(r, 0, sizeof *r);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT) return 0;
        return rs_errf(e, RS_EDATA, "%s: %s", path, strerror(errno));
    }
    char *line = NULL, *want = NULL;
    size_t cap = 0, wlen = 0;
    FILE *h = open_memstream(&want, &wlen);
    rs_results_header(h, s);
    fclose(h);
    long ln = 0;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        ln++;
        if (ln == 1) {
            if (strcmp(line, want)) {
                want[strlen(want) - 1] = '\0';
                rc = rs_errf(e, RS_EDATA, "%s: line 1: the header is not this search's (%s)", path, want);
            }
            continue;
        }
        size_t n = strlen(line);
        if (n && line[n - 1] == '\n') line[--n] = '\0';
        else {
            /* A row cut short by a search that was killed mid-write. */
            rc = rs_errf(e, RS_EDATA, "%s: line %ld: the last line is incomplete (no newline); remove it",
                         path, ln);
            break;
        }
        rc = read_row(line, path, ln, s, r, e);
    }
    if (rc == 0 && ferror(f)) rc = rs_errf(e, RS_EDATA, "%s: read error", path);
    free(line);
    free(want);
    fclose(f);
    if (rc < 0) rs_results_free(r, s);
    return rc;
}
