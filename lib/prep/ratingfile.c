#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common/num.h"
#include "prep/datetime.h"
#include "prep/ratingfile_par.h"
#include "prep/ratingfile.h"
#include "format/bundle.h"

#define CHUNK      (1u << 20)   /* bytes handed to csv_parse at a time */
#define PAR_SPAN   (8u << 20)   /* the least a thread of a parallel reading gets */
/* Strict: a stray quote is an error, not a field that swallows the rest of
 * the file.  REPALL_NL: a callback for every line end, to count lines. */
#define CSV_OPTS   (CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL)
#define MAXCOL     RS_DIALECT_MAXCOL
#define SNIFF_MAX  RS_DIALECT_SNIFF_MAX
#define role_name  rs_role_name

/* ---- fields ------------------------------------------------------------ */

/* A timestamp is Unix seconds or a date-time. */
static int parse_time(const char *s, size_t n, int64_t *out, const char **why)
{
    if (rs_num_i64(s, n, out, why) == 0) return 0;
    if (n >= 10 && s[4] == '-') {
        if (rs_parse_datetime(s, n, out) == 0) return 0;
        *why = "not a valid date-time (YYYY-MM-DD HH:MM:SS, UTC)";
        return -1;
    }
    if (strcmp(*why, "not an integer") == 0) *why = "not a Unix timestamp or date-time";
    return -1;
}

/* ---- the reader ---------------------------------------------------------- */


typedef struct reader {
    rs_ratings *rt;
    const rs_dialect *d;
    rs_err *e;
    const char *name;
    int failed;
    int header_pending;         /* the next row names the columns */
    int header_seen;
    signed char role_of[MAXCOL];/* role of each 0-based column, -1 none */
    int col[RS_NROLES];         /* 0-based column of each role, -1 none */
    int ncols;                  /* fields per row, 0 until the first row */
    int fill_r;                 /* a timestamp without a rating: rating 1 */
    /* the row being read */
    int nf, comment;
    uint32_t u, i;
    double r;
    int64_t t;
    uint64_t lines;             /* line ends passed */
    uint64_t row_line;          /* line the current row starts on */
    uint64_t rows;
    rs_progress *progress;
    unsigned spans;             /* threads reading the file: progress scale */
    /* header names, while header_pending */
    char **hdr;
    size_t nhdr, hdrcap;
} reader;

/* A field's text for a message: at most 40 bytes, control bytes as '?'. */
static const char *excerpt(const char *s, size_t n, char *buf)
{
    size_t k = n < 40 ? n : 40;
    for (size_t j = 0; j < k; j++) buf[j] = (unsigned char)s[j] < 0x20 ? '?' : s[j];
    if (n > 40) { memcpy(buf + 40, "...", 3); k = 43; }
    buf[k] = '\0';
    return buf;
}

static void field_error(reader *rd, int k, int role, const char *why, const char *s, size_t n)
{
    char buf[48];
    rs_errf(rd->e, RS_EDATA, "%s: line %llu, field %d (%s): %s: '%s'", rd->name,
            (unsigned long long)rd->row_line, k + 1, role_name[role], why, excerpt(s, n, buf));
    rd->failed = 1;
}

static void line_error(reader *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line_error(reader *rd, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rs_errf(rd->e, RS_EDATA, "%s: line %llu: %s", rd->name, (unsigned long long)rd->row_line, msg);
    rd->failed = 1;
}

static void count_newlines(reader *rd, const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    while ((p = memchr(p, '\n', (size_t)(end - p)))) { rd->lines++; p++; }
}

static int take_id(reader *rd, int k, int role, const char *s, size_t n, uint32_t *out)
{
    rs_idmap *m = role == RS_COL_USER ? rd->rt->users : rd->rt->items;
    /* The id map's direct table makes decimal ids cheap (idmap.c). */
    int64_t known = rs_idmap_find(m, s, n);
    if (known >= 0) { *out = (uint32_t)known; return 0; }
    if (n == 0) { field_error(rd, k, role, "empty id", s, n); return -1; }
    if (n > RS_ID_MAX) {
        char why[64];
        snprintf(why, sizeof why, "id of %zu bytes (at most %d allowed)", n, RS_ID_MAX);
        field_error(rd, k, role, why, s, n);
        return -1;
    }
    for (size_t j = 0; j < n; j++) {
        unsigned char c = (unsigned char)s[j];
        if (c == '\t' || c == '\n' || c == '\r' || c == '\0') {
            field_error(rd, k, role, "id holds a TAB, line break or NUL, which canonical TSV "
                        "cannot carry", s, n);
            return -1;
        }
    }
    if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
        field_error(rd, k, role, "id starts with a byte-order mark (U+FEFF), which a reader "
                    "takes for the start of a file", s, n);
        return -1;
    }
    if (role == RS_COL_USER && s[0] == '#') {
        field_error(rd, k, role, "user id starts with '#', which canonical TSV reads as a comment",
                    s, n);
        return -1;
    }
    *out = rs_idmap_intern(m, s, n);
    return 0;
}

static size_t max_field(const rs_dialect *d)
{
    return d->max_field ? d->max_field : RS_DIALECT_FIELD_MAX;
}

/* Field k (0-based) of the row on rd->row_line is over the cap. */
static void long_field(reader *rd, int k)
{
    rs_errf(rd->e, RS_EDATA, "%s: line %llu, field %d: longer than %zu bytes (--max-field "
            "raises the limit)", rd->name, (unsigned long long)rd->row_line, k + 1,
            max_field(rd->d));
    rd->failed = 1;
}

static void on_field(reader *rd, const char *s, size_t n)
{
    if (rd->failed) return;
    int k = rd->nf++;
    if (k == 0) {
        rd->row_line = rd->lines + 1;
        rd->comment = n > 0 && s[0] == '#';
    }
    if (n > max_field(rd->d)) { long_field(rd, k); return; }
    if (rd->comment) { count_newlines(rd, s, n); return; }
    if (rd->header_pending) {
        count_newlines(rd, s, n);
        if (rd->nhdr < MAXCOL) {
            if (rd->nhdr == rd->hdrcap) rs_grow(&rd->hdr, &rd->hdrcap, rd->nhdr + 1, sizeof *rd->hdr);
            char *c = rs_xmalloc(n + 1);
            memcpy(c, s, n);
            c[n] = '\0';
            rd->hdr[rd->nhdr++] = c;
        }
        return;
    }
    int role = k < MAXCOL ? rd->role_of[k] : -1;
    const char *why;
    switch (role) {
    case RS_COL_USER: take_id(rd, k, role, s, n, &rd->u); break;
    case RS_COL_ITEM: take_id(rd, k, role, s, n, &rd->i); break;
    case RS_COL_RATING:
        if (rs_num_f32(s, n, &rd->r, &why) < 0) field_error(rd, k, role, why, s, n);
        break;
    case RS_COL_TIME:
        if (parse_time(s, n, &rd->t, &why) < 0) field_error(rd, k, role, why, s, n);
        break;
    default:
        count_newlines(rd, s, n);   /* quoted line breaks in unused fields (titles) */
        break;
    }
}

static void header_list(const reader *rd, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < rd->nhdr && len + 8 < cap; k++) {
        int w = snprintf(buf + len, cap - len, "%s%s", k ? ", " : "", rd->hdr[k]);
        if (w < 0) break;
        len += (size_t)w;
    }
    if (len >= cap) memcpy(buf + cap - 4, "...", 4);
}

static void set_roles(reader *rd)
{
    memset(rd->role_of, -1, sizeof rd->role_of);
    for (int r = 0; r < RS_NROLES; r++)
        if (rd->col[r] >= 0 && rd->col[r] < MAXCOL) rd->role_of[rd->col[r]] = (signed char)r;
}

/* The header row is complete: find each role's column in it. */
static void resolve_header(reader *rd)
{
    const rs_dialect *d = rd->d;
    char list[400];
    header_list(rd, list, sizeof list);
    for (int r = 0; r < RS_NROLES; r++) rd->col[r] = -1;
    if (d->columns_given) {
        for (int r = 0; r < RS_NROLES; r++) {
            if (d->colnum[r]) { rd->col[r] = d->colnum[r] - 1; continue; }
            if (!d->colname[r][0]) continue;
            for (size_t k = 0; k < rd->nhdr && rd->col[r] < 0; k++)   /* exact first */
                if (strcmp(rd->hdr[k], d->colname[r]) == 0) rd->col[r] = (int)k;
            for (size_t k = 0; k < rd->nhdr && rd->col[r] < 0; k++)
                if (strcasecmp(rd->hdr[k], d->colname[r]) == 0) rd->col[r] = (int)k;
            if (rd->col[r] < 0) {
                line_error(rd, "missing column: no column named '%s' (the %s) in the header (%s)",
                           d->colname[r], role_name[r], list);
                return;
            }
        }
    } else {
        for (size_t k = 0; k < rd->nhdr; k++) {
            int r = rs_dialect_known_role(rd->hdr[k], strlen(rd->hdr[k]));
            if (r >= 0 && rd->col[r] < 0) rd->col[r] = (int)k;
        }
        int named = 0;      /* no known name at all: line 1 may be data after all */
        for (int r = 0; r < RS_NROLES; r++) named |= rd->col[r] >= 0;
        if (rd->col[RS_COL_USER] < 0 || rd->col[RS_COL_ITEM] < 0) {
            line_error(rd, "missing column: no %s column in the header (%s); name the columns "
                       "with --columns%s", rd->col[RS_COL_USER] < 0 ? "user" : "item", list,
                       d->header < 0 && !named ? ", or give --no-header if line 1 is data" : "");
            return;
        }
    }
    set_roles(rd);
}

/* No header: --columns numbers, or user, item, rating, timestamp by position
 * (as many of them as the first row has). */
static void resolve_positions(reader *rd, int nf)
{
    const rs_dialect *d = rd->d;
    for (int r = 0; r < RS_NROLES; r++)
        rd->col[r] = d->columns_given ? d->colnum[r] - 1 : (r < nf ? r : -1);
    set_roles(rd);
}

/* The first row fixes the width and which columns the table keeps. */
static void first_row(reader *rd, int nf)
{
    if (!rd->header_seen && !rd->d->columns_given) {
        /* By position: a rating and a timestamp only if the first row has them. */
        for (int r = RS_COL_RATING; r < RS_NROLES; r++)
            if (rd->col[r] >= nf) rd->col[r] = -1;
        set_roles(rd);
    }
    rd->ncols = nf;
    for (int r = 0; r < RS_NROLES; r++) {
        if (rd->col[r] >= nf) {
            line_error(rd, "missing column: no field %d (the %s) on a line of %d field%s",
                       rd->col[r] + 1, role_name[r], nf, nf == 1 ? "" : "s");
            return;
        }
    }
    int has_r = rd->col[RS_COL_RATING] >= 0, has_t = rd->col[RS_COL_TIME] >= 0;
    rd->fill_r = has_t && !has_r;       /* canonical TSV has no timestamp without a rating */
    has_r |= has_t;
    rs_ratings *rt = rd->rt;
    if (rt->n == 0) {
        rs_ratings_keep(rt, has_r, has_t);
    } else if (has_r != !!rt->r || has_t != !!rt->t) {
        int rating = has_r != !!rt->r;
        line_error(rd, "this input %s a %s column, unlike the input before it",
                   (rating ? has_r : has_t) ? "has" : "lacks", rating ? "rating" : "timestamp");
        return;
    }
}

static void on_row(reader *rd)
{
    int nf = rd->nf;
    rd->nf = 0;
    if (rd->failed || nf == 0) return;
    if (rd->comment) return;
    if (rd->header_pending) {
        rd->header_pending = 0;
        rd->header_seen = 1;
        resolve_header(rd);
        if (!rd->failed) first_row(rd, nf);
        return;
    }
    if (!rd->ncols) {
        first_row(rd, nf);
        if (rd->failed) return;
    } else if (nf != rd->ncols) {
        int missing = -1;
        for (int r = 0; r < RS_NROLES; r++)
            if (rd->col[r] >= nf && (missing < 0 || rd->col[r] < rd->col[missing])) missing = r;
        if (missing >= 0) {
            rs_errf(rd->e, RS_EDATA, "%s: line %llu, field %d (%s): missing: ragged row of %d "
                    "field%s, expected %d", rd->name, (unsigned long long)rd->row_line,
                    rd->col[missing] + 1, role_name[missing], nf, nf == 1 ? "" : "s", rd->ncols);
            rd->failed = 1;
        } else {
            line_error(rd, "ragged row of %d fields, expected %d", nf, rd->ncols);
        }
        return;
    }
    if (rd->rt->n == rd->rt->cap) rs_ratings_reserve(rd->rt, rd->rt->n + 1);
    rs_ratings_add(rd->rt, rd->u, rd->i, rd->fill_r ? 1.0 : rd->r, rd->t);
    rd->rows++;
}

static void cb_field(void *s, size_t n, void *data) { on_field(data, s, n); }

static void cb_row(int c, void *data)
{
    reader *rd = data;
    on_row(rd);
    if (c == '\n') rd->lines++;
}

/* Tab-separated text is canonical TSV, where '"' is an ordinary byte: no
 * quote character at all.  libcsv has no such switch, so the quote becomes
 * NUL, which check_chunk has refused before the parser sees it. */
static void csv_setup(struct csv_parser *p, int sep)
{
    csv_init(p, CSV_OPTS);
    csv_set_delim(p, (unsigned char)sep);
    if (sep == '\t') csv_set_quote(p, '\0');
}

/* Before a chunk is parsed: text has no NUL bytes.  After: the field being
 * buffered is not over the cap, so a runaway field (a stray quote, a file
 * that is not ratings) fails at once instead of eating the memory. */
static int check_chunk(reader *rd, const char *buf, size_t n, const struct csv_parser *p)
{
    if (!p) {
        const char *nul = memchr(buf, '\0', n);
        if (!nul) return 0;
        rd->row_line = rd->lines + 1;
        for (const char *q = buf; (q = memchr(q, '\n', (size_t)(nul - q))); q++) rd->row_line++;
        line_error(rd, "NUL byte: this is binary data, not ratings text");
        return -1;
    }
    if (p->entry_pos <= max_field(rd->d)) return 0;
    if (!rd->nf) rd->row_line = rd->lines + 1;
    long_field(rd, rd->nf);
    return -1;
}

static int read_csv(reader *rd, rs_in *in, int sep)
{
    struct csv_parser p;
    csv_setup(&p, sep);
    char *buf = rs_xmalloc(CHUNK);
    int rc = 0;
    for (;;) {
        ssize_t got = rs_in_read(in, buf, CHUNK, rd->e);
        if (got < 0) { rc = -1; break; }
        if (got == 0) break;
        if (check_chunk(rd, buf, (size_t)got, NULL) < 0) { rc = -1; break; }
        size_t done = csv_parse(&p, buf, (size_t)got, cb_field, cb_row, rd);
        if (rd->failed || check_chunk(rd, buf, (size_t)got, &p) < 0) { rc = -1; break; }
        if (rd->progress) rs_progress_update(rd->progress, rd->rt->n, 0, "rows");
        if (done < (size_t)got) {
            rd->row_line = rd->lines + 1;
            if (csv_error(&p) == CSV_EPARSE)
                line_error(rd, "bad CSV quoting: a quote inside a field must be doubled, and "
                           "only a separator or line end may follow a closing quote");
            else
                line_error(rd, "CSV parser: %s", csv_strerror(csv_error(&p)));
            rc = -1;
            break;
        }
    }
    if (rc == 0) {
        rd->row_line = rd->lines + 1;
        if (csv_fini(&p, cb_field, cb_row, rd) != 0 || csv_error(&p) == CSV_EPARSE) {
            if (!rd->failed)
                line_error(rd, "a quoted field is not closed before the end of the input");
        }
        if (rd->failed) rc = -1;
    }
    csv_free(&p);
    free(buf);
    return rc;
}

static void reader_start(reader *rd, rs_ratings *rt, const rs_dialect *d, const rs_dialect *dd,
                         rs_err *e, const char *name, rs_progress *progress)
{
    memset(rd, 0, sizeof *rd);
    rd->rt = rt;
    rd->d = d;
    rd->e = e;
    rd->name = name;
    rd->progress = progress;
    rd->spans = 1;
    rd->header_pending = dd->header;
    for (int r = 0; r < RS_NROLES; r++) rd->col[r] = -1;
    memset(rd->role_of, -1, sizeof rd->role_of);
    /* Without a header the roles are known before the first row. */
    if (!dd->header) resolve_positions(rd, RS_NROLES);
}

static void reader_free(reader *rd)
{
    for (size_t k = 0; k < rd->nhdr; k++) free(rd->hdr[k]);
    free(rd->hdr);
    rd->hdr = NULL;
    rd->nhdr = rd->hdrcap = 0;
}

static int cb_failed(void *data) { return ((reader *)data)->failed; }

static void cb_tick(void *data)
{
    reader *rd = data;      /* this thread's rows times the threads: an estimate */
    if (rd->progress) rs_progress_update(rd->progress, rd->rt->n * rd->spans, 0, "rows");
}

/* A big plain file is read by d->jobs threads (csvpar.h): a first piece on
 * this thread settles the header and the columns, then the rest is cut into
 * spans, one per thread, each read into a table of its own by a copy of the
 * reader; the tables are appended in file order, which keeps the ids in
 * first-seen order, so the result is that of one thread.  Returns 1 when
 * that worked.  Returns 0 when the file must be read sequentially instead
 * (not such a file; a cut inside a quoted field; bad data, whose exact
 * line the sequential reading reports), with rd's table emptied again. */
static int read_csv_parallel(reader *rd, rs_in *in, int sep)
{
    int fd;
    off_t from, to;
    int jobs = rd->d->jobs;
    off_t span = rd->d->span_min ? (off_t)rd->d->span_min : (off_t)PAR_SPAN;
    if (jobs < 2 || rd->rt->n != 0 || !rs_in_region(in, &fd, &from, &to) || to - from < 2 * span)
        return 0;
    rs_csvpar cfg = { fd, CSV_OPTS, (unsigned char)sep, cb_field, cb_row, cb_failed, cb_tick,
                      sep == '\t', max_field(rd->d) };
    /* The first piece: the sniffed bytes, or less when spans are small. */
    off_t head[2] = { from, rs_csvpar_line_end(fd, from + (span < SNIFF_MAX ? span : SNIFF_MAX), to) };
    void *self[1] = { rd };
    int ok = head[1] > from && rs_csvpar_run(&cfg, 1, head, self, head[1] == to) == 0 &&
             rd->ncols > 0 && !rd->header_pending;
    off_t *cuts = rs_xcalloc((size_t)jobs + 1, sizeof *cuts);
    int k = ok && head[1] < to ? rs_csvpar_cut(fd, head[1], to, jobs, span, cuts) : 0;
    if (k < 0) ok = 0;
    reader *part = rs_xcalloc((size_t)(k > 1 ? k : 1), sizeof *part);
    rs_ratings *tab = rs_xcalloc((size_t)(k > 1 ? k : 1), sizeof *tab);
    rs_err *err = rs_xcalloc((size_t)(k > 1 ? k : 1), sizeof *err);
    void **ctx = rs_xcalloc((size_t)(k > 1 ? k : 1), sizeof *ctx);
    if (ok && k > 0) {
        ctx[0] = rd;
        rd->spans = (unsigned)k;
        for (int j = 1; j < k; j++) {
            rs_ratings_init(&tab[j]);
            rs_ratings_keep(&tab[j], rd->rt->r != NULL, rd->rt->t != NULL);
            part[j] = *rd;
            part[j].rt = &tab[j];
            part[j].e = &err[j];
            part[j].progress = NULL;
            part[j].lines = part[j].rows = 0;
            part[j].hdr = NULL;
            part[j].nhdr = part[j].hdrcap = 0;
            ctx[j] = &part[j];
        }
        ok = rs_csvpar_run(&cfg, k, cuts, ctx, 1) == 0;
        for (int j = 1; j < k; j++) {
            if (ok) {
                rs_ratings_append(rd->rt, &tab[j]);
                rd->rows += part[j].rows;
                rd->lines += part[j].lines;
            }
            rs_ratings_free(&tab[j]);
        }
    }
    free(ctx);
    free(err);
    free(tab);
    free(part);
    free(cuts);
    if (!ok) {
        rs_ratings_free(rd->rt);
        rs_ratings_init(rd->rt);
    }
    return ok;
}

static int read_dat(reader *rd, rs_in *in)
{
    char *line;
    size_t len;
    int rc;
    while ((rc = rs_in_getline(in, &line, &len, rd->e)) == 1) {
        rd->lines = rs_in_lineno(in) - 1;
        if (len == 0) continue;
        const char *p = line, *end = line + len;
        for (;;) {
            const char *q = memmem(p, (size_t)(end - p), "::", 2);
            on_field(rd, p, (size_t)((q ? q : end) - p));
            if (!q) break;
            p = q + 2;
        }
        on_row(rd);
        if (rd->failed) return -1;
        if (rd->progress && (rd->rows & 0xffff) == 0)
            rs_progress_update(rd->progress, rd->rt->n, 0, "rows");
    }
    rd->lines = rs_in_lineno(in);
    return rc;
}

/* ---- reading ----------------------------------------------------------- */

int rs_dialect_read(rs_in *in, const rs_dialect *d, rs_ratings *rt, rs_dialect_info *info,
                    rs_progress *progress, rs_err *e)
{
    const char *name = rs_in_name(in);
    const unsigned char *p;
    int bin = rs_in_is_binary(in, e);
    if (bin < 0) return -1;
    if (bin)
        return rs_errf(e, RS_EDATA, "%s: this is an rs binary stream, not ratings text "
                       "(hint: rs-index --decode turns it back into TSV)", name);
    ssize_t n;
    n = rs_in_peek(in, &p, SNIFF_MAX, e);
    if (n < 0) return -1;
    if (n == 0) return rs_errf(e, RS_EDATA, "%s: empty input (no lines)", name);
    const unsigned char *nul = memchr(p, '\0', (size_t)n);
    if (nul) {
        size_t line = 1;
        for (const unsigned char *q = p; q < nul; q++) line += *q == '\n';
        return rs_errf(e, RS_EDATA, "%s: line %zu: NUL byte: this is binary data, not ratings text",
                       name, line);
    }
    rs_dialect dd;
    rs_dialect_sniff((const char *)p, (size_t)n, n < (ssize_t)SNIFF_MAX, d, &dd);
    if (dd.header == 0 && rs_dialect_names_columns(d))
        return rs_errf(e, RS_EUSAGE, "--columns names columns, but --no-header says %s has "
                       "no header line to find them in", name);

    reader rd;
    reader_start(&rd, rt, d, &dd, e, name, progress);
    int rc = 0;
    if (dd.format == RS_FMT_DAT) {
        rc = read_dat(&rd, in);
    } else if (!read_csv_parallel(&rd, in, dd.sep)) {
        reader_free(&rd);       /* start again: a parallel reading may have begun */
        e->code = 0;            /* and may have left a message this reading replaces */
        e->msg[0] = '\0';
        reader_start(&rd, rt, d, &dd, e, name, progress);
        rc = read_csv(&rd, in, dd.sep);
    }
    if (rc == 0 && rd.rows == 0) {
        if (rd.header_seen)
            rc = rs_errf(e, RS_EDATA, "%s: line 1: header only, no data rows", name);
        else
            rc = rs_errf(e, RS_EDATA, "%s: no data rows (only blank or '#' lines)", name);
    }
    if (info) {
        info->format = dd.format;
        info->sep = dd.sep;
        info->header = rd.header_seen;
        for (int r = 0; r < RS_NROLES; r++) info->col[r] = rd.col[r] + 1;
        info->ncols = rd.ncols;
        info->rows = rd.rows;
        info->lines = rd.lines;
        info->threads = (int)rd.spans;
    }
    reader_free(&rd);
    return rc;
}

