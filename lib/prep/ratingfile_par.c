#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "prep/ratingfile_par.h"
#include "common/err.h"
#include "common/parallel.h"

#define CHUNK  (1u << 20)   /* bytes handed to csv_parse at a time */
#define LOOK   (64u << 10)  /* bytes read at a time while looking for a line end */

static ssize_t pread_full(int fd, void *buf, size_t n, off_t at)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, (char *)buf + got, n - got, at + (off_t)got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

off_t rs_csvpar_line_end(int fd, off_t at, off_t to)
{
    char buf[LOOK];
    while (at < to) {
        size_t want = to - at < (off_t)LOOK ? (size_t)(to - at) : LOOK;
        ssize_t got = pread_full(fd, buf, want, at);
        if (got <= 0) return -1;    /* the file shrank under us: an error too */
        const char *nl = memchr(buf, '\n', (size_t)got);
        if (nl) return at + (nl - buf) + 1;
        at += got;
    }
    return to;
}

int rs_csvpar_cut(int fd, off_t from, off_t to, int n, off_t min, off_t *cuts)
{
    off_t len = to - from;
    if (min < 1) min = 1;
    if (n > len / min) n = (int)(len / min);
    if (n < 1) n = 1;
    int k = 0;
    cuts[k++] = from;
    for (int j = 1; j < n; j++) {
        off_t at = rs_csvpar_line_end(fd, from + (off_t)((double)len * j / n), to);
        if (at < 0) return -1;
        if (at > cuts[k - 1] && at < to) cuts[k++] = at;
    }
    cuts[k] = to;
    return k;
}

typedef struct span {
    const rs_csvpar *cfg;
    off_t from, to;
    void *ctx;
    int last, on_caller;
} span;

/* All the spans of a run. */
typedef struct spans {
    const rs_csvpar *cfg;
    int n, at_end;
    const off_t *cuts;
    void *const *ctx;
} spans;

/* The state csv_fini finds at a record boundary delivers nothing; anything
 * it delivers there is the rest of a record cut in two. */
static void count_field(void *s, size_t n, void *data) { (void)s; (void)n; ++*(int *)data; }
static void count_row(int c, void *data) { (void)c; ++*(int *)data; }

/* 1 when the span parsed to its end, else 0 (the reason is in its ctx). */
static int parse_span(const span *sp)
{
    const rs_csvpar *cfg = sp->cfg;
    struct csv_parser p;
    if (csv_init(&p, cfg->options) != 0) return 0;
    csv_set_delim(&p, cfg->delim);
    if (cfg->no_quotes) csv_set_quote(&p, '\0');
    char *buf = rs_xmalloc(CHUNK);
    off_t at = sp->from;
    int ok = 1;
    while (ok && at < sp->to) {
        size_t want = sp->to - at < (off_t)CHUNK ? (size_t)(sp->to - at) : CHUNK;
        ssize_t got = pread_full(cfg->fd, buf, want, at);
        if (got <= 0 || memchr(buf, '\0', (size_t)got)) { ok = 0; break; }
        if (csv_parse(&p, buf, (size_t)got, cfg->field, cfg->row, sp->ctx) < (size_t)got ||
            cfg->failed(sp->ctx) || (cfg->max_field && p.entry_pos > cfg->max_field))
            ok = 0;
        at += got;
        if (sp->on_caller && cfg->tick) cfg->tick(sp->ctx);
    }
    if (ok && sp->last) {
        ok = csv_fini(&p, cfg->field, cfg->row, sp->ctx) == 0 && !cfg->failed(sp->ctx);
    } else if (ok) {
        int delivered = 0;
        ok = csv_fini(&p, count_field, count_row, &delivered) == 0 && delivered == 0;
    }
    csv_free(&p);
    free(buf);
    return ok;
}

/* Span k on worker k (the caller's thread is worker 0, which ticks). */
static int span_worker(void *arg, int k, size_t slo, size_t shi, rs_err *e)
{
    const spans *all = arg;
    span sp = { all->cfg, all->cuts[k], all->cuts[k + 1], all->ctx[k],
                all->at_end && k == all->n - 1, k == 0 };
    return parse_span(&sp) ? 0 : -1;
}

int rs_csvpar_run(const rs_csvpar *cfg, int nspans, const off_t *cuts, void *const *ctx,
                  int at_end)
{
    spans all = { cfg, nspans, at_end, cuts, ctx };
    rs_err e;   /* unused: each span's ctx holds its own error */
    return rs_parallel_for(nspans, (size_t)nspans, span_worker, &all, &e);
}
