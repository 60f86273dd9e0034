#include <csv.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
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
#include "common/parallel.h"

#define CHUNK      (1u << 20)   /* bytes handed to csv_parse at a time (reference reading) */
#define PAR_SPAN   (8u << 20)   /* the least a thread of a parallel reading gets */
#define LONG_LINE  (64u << 10)  /* an unfinished line this long goes to libcsv as it is */
#define MAXF       64           /* fields a line may have on the fast path */
#define PIECES     4            /* pieces of a block per thread */
#define LOCAL_ID   0x80000000u  /* an id of a piece's own map, not the main one's */
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
    /* The block parser (parse_block): lines with nothing to unquote or
     * trim are split here; the others go to libcsv, which owns quoting. */
    unsigned char cls[256];     /* byte classes: CL_* */
    struct csv_parser csv;
    int csv_on;                 /* csv is initialised */
    int mid;                    /* libcsv is inside a record that spans lines */
    int nl_row;                 /* a row ended at a '\n' during the last feed */
    uint64_t rec_lines, rec_nl; /* lines before that record, line ends fed in it */
    /* A piece of a parallel reading looks ids up in the main table's maps
     * (read only: no thread changes them then) before its own, whose ids
     * it tags with LOCAL_ID; NULL otherwise. */
    const rs_idmap *base_users, *base_items;
    /* The last user id of fast_row: rating files come grouped by user. */
    int last_ok;
    uint32_t last_u;
    size_t last_n;
    char last_s[32];
} reader;

enum { CL_PLAIN = 0, CL_SEP, CL_NL, CL_CR, CL_SLOW };

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

/* The id of a user or item seen before, or -1. */
static inline int64_t find_id(const reader *rd, int role, const char *s, size_t n)
{
    const rs_idmap *base = role == RS_COL_USER ? rd->base_users : rd->base_items;
    if (base) {
        int64_t v = rs_idmap_find(base, s, n);
        if (v >= 0) return v;
    }
    int64_t v = rs_idmap_find(role == RS_COL_USER ? rd->rt->users : rd->rt->items, s, n);
    return v < 0 || !base ? v : (int64_t)((uint32_t)v | LOCAL_ID);
}

static int take_id(reader *rd, int k, int role, const char *s, size_t n, uint32_t *out)
{
    rs_idmap *m = role == RS_COL_USER ? rd->rt->users : rd->rt->items;
    /* The id map's direct table makes decimal ids cheap (idmap.c). */
    int64_t known = find_id(rd, role, s, n);
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
    *out = rs_idmap_intern(m, s, n) | (rd->base_users ? LOCAL_ID : 0);
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
    if (c == '\n') { rd->lines++; rd->nl_row = 1; }
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

/* ---- the block parser ----------------------------------------------------- */

/* Which bytes the fast path splits on, and which send a line to libcsv:
 * a quote (not in TAB-separated text, which has none), the blanks libcsv
 * trims from unquoted fields, and NUL.  A carriage return is a line end
 * before a '\n' (CRLF) and sends the line to libcsv anywhere else. */
static void set_classes(reader *rd, int sep)
{
    memset(rd->cls, CL_PLAIN, sizeof rd->cls);
    if (sep != '\t') {
        rd->cls['"'] = CL_SLOW;
        rd->cls['\t'] = CL_SLOW;
    }
    rd->cls[' '] = CL_SLOW;
    rd->cls['\0'] = CL_SLOW;
    rd->cls['\r'] = CL_CR;
    rd->cls['\n'] = CL_NL;
    rd->cls[(unsigned char)sep] = CL_SEP;
}

static void block_start(reader *rd, int sep)
{
    set_classes(rd, sep);
    csv_setup(&rd->csv, sep);
    rd->csv_on = 1;
    rd->mid = 0;
}

static void block_end(reader *rd)
{
    if (rd->csv_on) csv_free(&rd->csv);
    rd->csv_on = 0;
}

/* Feed libcsv n bytes that end a line (line_end) or are the start of a
 * long one.  0, or -1 with the error in rd. */
static int slow_feed(reader *rd, const char *s, size_t n, int line_end)
{
    if (!rd->mid) {
        rd->rec_lines = rd->lines;
        rd->rec_nl = 0;
    }
    if (memchr(s, '\0', n)) {
        rd->row_line = rd->rec_lines + rd->rec_nl + 1;
        line_error(rd, "NUL byte: this is binary data, not ratings text");
        return -1;
    }
    rd->nl_row = 0;
    size_t done = csv_parse(&rd->csv, s, n, cb_field, cb_row, rd);
    if (rd->failed || check_chunk(rd, s, n, &rd->csv) < 0) return -1;
    if (done < n) {
        rd->row_line = rd->lines + 1;
        if (csv_error(&rd->csv) == CSV_EPARSE)
            line_error(rd, "bad CSV quoting: a quote inside a field must be doubled, and "
                       "only a separator or line end may follow a closing quote");
        else
            line_error(rd, "CSV parser: %s", csv_strerror(csv_error(&rd->csv)));
        return -1;
    }
    rd->rec_nl += line_end;
    rd->mid = !(line_end && rd->nl_row);
    return 0;
}

/* A data row of the expected width, straight from its fields (end[k]:
 * where field k ends), without on_field's dispatch.  -1, having changed
 * nothing, when a field is anything but a known id or a plain number (a
 * new id, a date-time, bad data): on_field takes the row then, and says
 * what is wrong with it. */
static int fast_row(reader *rd, const char *s, const uint32_t *end, int nf)
{
    uint32_t u = 0, i = 0;
    double r = 0;
    int64_t t = 0;
    const char *why;
    size_t from = 0;
    for (int k = 0; k < nf; from = end[k++] + 1) {
        const char *f = s + from;
        size_t n = end[k] - from;
        int64_t v;
        switch (rd->role_of[k]) {
        case RS_COL_USER:
            if (rd->last_ok && n == rd->last_n) {
                size_t q = 0;
                while (q < n && f[q] == rd->last_s[q]) q++;
                if (q == n) {
                    u = rd->last_u;
                    break;
                }
            }
            if ((v = find_id(rd, RS_COL_USER, f, n)) < 0) return -1;
            u = (uint32_t)v;
            rd->last_ok = n <= sizeof rd->last_s;
            if (rd->last_ok) {
                memcpy(rd->last_s, f, n);
                rd->last_n = n;
                rd->last_u = u;
            }
            break;
        case RS_COL_ITEM:
            if ((v = find_id(rd, RS_COL_ITEM, f, n)) < 0) return -1;
            i = (uint32_t)v;
            break;
        case RS_COL_RATING:
            if (rs_num_f32(f, n, &r, &why) < 0) return -1;
            break;
        case RS_COL_TIME:
            if (rs_num_i64(f, n, &t, &why) < 0) return -1;
            break;
        default:
            break;
        }
    }
    rs_ratings_add(rd->rt, u, i, rd->fill_r ? 1.0 : r, t);
    rd->rows++;
    return 0;
}

/* Parse whole lines of buf[0, n); at_end: nothing follows, so the last
 * line may lack its '\n'.  A line with nothing libcsv would unquote or
 * trim is split here in one pass, its fields handed over where they lie;
 * any other goes to libcsv, and so does every line until libcsv is out of
 * the record it began.  Returns the bytes used (an unfinished last line
 * is left for the next block unless it is long), or -1 with the error in
 * rd.  The same bytes in any blocks give the same calls as libcsv alone. */
static ssize_t parse_block(reader *rd, const char *buf, size_t n, int at_end)
{
    const unsigned char *u = (const unsigned char *)buf;
    const unsigned char *cls = rd->cls;
    size_t pos = 0, maxf = max_field(rd->d);
    uint32_t end[MAXF];
#ifdef __SSE2__
    char sep = (char)rd->csv.delim_char;
    const __m128i vsep = _mm_set1_epi8(sep), vblank = _mm_set1_epi8(' '),
                  vquote = _mm_set1_epi8(rd->cls['"'] == CL_SLOW ? '"' : sep);
#endif
    int force = 0;
    while (pos < n) {
        size_t j = pos, lim = n - pos < UINT32_MAX ? n : pos + UINT32_MAX, next = 0;
        int nf = 0, slow = rd->mid || force, nl = 0, found = 0, st = 0;
        force = 0;
        size_t len = 0;
        unsigned c;
        /* What the byte at `at` does: 0 nothing more (plain, a separator
         * noted), 1 '\n', 2 the line needs libcsv, 3 CRLF, 4 a CR ending
         * the input. */
#define STEP(at) (c = cls[u[at]], c == CL_PLAIN ? 0 :                                 \
                  c == CL_SEP && nf < MAXF - 1 ? (end[nf++] = (uint32_t)((at) - pos), 0) : \
                  c == CL_NL ? 1 :                                                      \
                  c == CL_CR && (at) + 1 < n && u[(at) + 1] == '\n' ? 3 :               \
                  c == CL_CR && (at) + 1 == n && at_end ? 4 : 2)
        if (!slow) {
#ifdef __SSE2__
            /* 16 bytes at a time: only separators, quotes and bytes up to
             * ' ' (line ends, blanks, NUL) need a look. */
            while (!st && lim - j >= 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)(u + j));
                unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(v, vsep), _mm_cmpeq_epi8(v, vquote)),
                    _mm_cmpeq_epi8(_mm_max_epu8(v, vblank), vblank)));
                while (m) {
                    size_t at = j + (size_t)__builtin_ctz(m);
                    m &= m - 1;
                    if ((st = STEP(at))) { j = at; break; }
                }
                if (!st) j += 16;
            }
#endif
            for (; !st && j < lim; j++)
                if ((st = STEP(j))) break;
        }
#undef STEP
        if (st == 2) slow = 1;
        else if (st) {
            found = 1;
            nl = st != 4;
            len = j - pos;
            next = j + (st == 3 ? 2 : 1);
        }
        if (slow) {
            const char *e = memchr(buf + pos, '\n', n - pos);
            size_t full = e ? (size_t)(e - buf) + 1 - pos : n - pos;
            if (!e && !at_end) {
                if (!rd->mid && full < LONG_LINE) break;
                if (slow_feed(rd, buf + pos, full, 0) < 0) return -1;
                pos = n;
                break;
            }
            if (slow_feed(rd, buf + pos, full, e != NULL) < 0) return -1;
            pos += full;
            continue;
        }
        if (!found) {                   /* no line end */
            if (!at_end || lim < n) {
                if (j - pos < LONG_LINE) break;
                force = 1;              /* a long unfinished line: libcsv takes it */
                continue;
            }
            len = j - pos;
            next = j;
        }
        if (len) {
            const char *s = buf + pos;
            end[nf++] = (uint32_t)len;
            if (nf == rd->ncols && !rd->header_pending && s[0] != '#' && len <= maxf &&
                fast_row(rd, s, end, nf) == 0) {
                rd->lines += (uint64_t)nl;
                pos = next;
                continue;
            }
            size_t from = 0;
            for (int k = 0; k < nf; k++) {
                on_field(rd, s + from, end[k] - from);
                from = end[k] + 1;
            }
            on_row(rd);
            if (rd->failed) return -1;
        }
        rd->lines += (uint64_t)nl;
        pos = next;
    }
    return (ssize_t)pos;
}

/* The input is over: a record libcsv still holds ends here. */
static int block_finish(reader *rd)
{
    rd->row_line = rd->lines + 1;
    if (csv_fini(&rd->csv, cb_field, cb_row, rd) != 0 || csv_error(&rd->csv) == CSV_EPARSE) {
        if (!rd->failed)
            line_error(rd, "a quoted field is not closed before the end of the input");
    }
    return rd->failed ? -1 : 0;
}

/* ---- blocks in parallel -------------------------------------------------- */

/* A piece's own table, kept from block to block with its id maps, and what
 * its ids are in the main table (mapped so far: nu users, ni items). */
typedef struct ptab {
    rs_ratings t;
    uint32_t *umap, *imap;
    size_t nu, ni, ucap, icap;
    size_t at;              /* where its rows go in the main table */
} ptab;

typedef struct par {
    int jobs, np, k;        /* threads; most pieces; pieces of the current block */
    size_t min;             /* least bytes of a piece */
    const char *buf;
    size_t next;            /* the next piece a thread takes */
    ptab *tab;              /* a table for each piece */
    reader *part;
    reader **rd;
    rs_err *err;
    size_t *cuts;
    int *ok;
    int used;               /* most threads a block was parsed by */
    rs_ratings *dst;
    size_t rows;            /* rows of all pieces */
} par;

static void par_init(par *p, int jobs, size_t min, const rs_ratings *like)
{
    memset(p, 0, sizeof *p);
    p->jobs = jobs;
    p->np = jobs * PIECES;
    p->min = min;
    size_t np = (size_t)p->np;
    p->tab = rs_xcalloc(np, sizeof *p->tab);
    for (int j = 0; j < p->np; j++) {
        rs_ratings_init(&p->tab[j].t);
        rs_ratings_keep(&p->tab[j].t, like->r != NULL, like->t != NULL);
    }
    p->part = rs_xcalloc(np, sizeof *p->part);
    p->rd = rs_xcalloc(np, sizeof *p->rd);
    p->err = rs_xcalloc(np, sizeof *p->err);
    p->cuts = rs_xcalloc(np + 1, sizeof *p->cuts);
    p->ok = rs_xcalloc(np, sizeof *p->ok);
}

static void par_free(par *p)
{
    if (!p->tab) return;
    for (int j = 0; j < p->np; j++) {
        rs_ratings_free(&p->tab[j].t);
        free(p->tab[j].umap);
        free(p->tab[j].imap);
    }
    free(p->tab);
    free(p->part);
    free(p->rd);
    free(p->err);
    free(p->cuts);
    free(p->ok);
    p->tab = NULL;
}

/* Each thread takes the next piece until none is left, so that a thread
 * held up (a busy machine) holds up no more than one piece. */
static int piece_worker(void *arg, int t, size_t lo, size_t hi, rs_err *e)
{
    par *p = arg;
    for (size_t k; (k = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED)) < (size_t)p->k;) {
        size_t len = p->cuts[k + 1] - p->cuts[k];
        reader *rd = p->rd[k];
        ssize_t used = parse_block(rd, p->buf + p->cuts[k], len, 0);
        /* A piece that ends inside a record was cut at a quoted line
         * break: the next one did not start at a record. */
        p->ok[k] = used == (ssize_t)len && !rd->failed && !rd->mid;
    }
    return 0;
}

/* Map a piece's ids that are new since the last block into dst's id maps,
 * in the piece's first-seen order (after the pieces before it). */
static void map_new_ids(rs_idmap *dst, const rs_idmap *src, uint32_t **map, size_t *done,
                        size_t *cap)
{
    size_t n = rs_idmap_size(src);
    if (n > *cap) rs_grow(map, cap, n, sizeof **map);
    for (size_t k = *done; k < n; k++)
        (*map)[k] = rs_idmap_intern(dst, rs_idmap_str(src, (uint32_t)k),
                                    rs_idmap_len(src, (uint32_t)k));
    *done = n;
}

/* Rows [lo, hi) of pieces 1... (in order) into their places in dst. */
static int copy_worker(void *arg, int t, size_t lo, size_t hi, rs_err *e)
{
    par *p = arg;
    rs_ratings *dst = p->dst;
    size_t base = 0;
    for (int j = 0; j < p->k && base < hi; j++) {
        const ptab *pt = &p->tab[j];
        size_t a = lo > base ? lo - base : 0, b = hi - base < pt->t.n ? hi - base : pt->t.n;
        for (size_t r = a; r < b; r++) {
            uint32_t u = pt->t.u[r], i = pt->t.i[r];
            dst->u[pt->at + r] = u & LOCAL_ID ? pt->umap[u & ~LOCAL_ID] : u;
            dst->i[pt->at + r] = i & LOCAL_ID ? pt->imap[i & ~LOCAL_ID] : i;
        }
        if (a < b && dst->r) memcpy(dst->r + pt->at + a, pt->t.r + a, (b - a) * sizeof *dst->r);
        if (a < b && dst->t) memcpy(dst->t + pt->at + a, pt->t.t + a, (b - a) * sizeof *dst->t);
        base += pt->t.n;
    }
    return 0;
}

/* Parse the whole lines of buf[0, n) in pieces at once, each by a copy of
 * rd into a table of its own, looking ids up in rd's table read-only;
 * then the ids new in each piece, in piece order and first-seen order in
 * each, go into rd's maps, and the rows into place after rd's, by the same
 * threads: the result is that of one thread.  Returns the bytes used, or
 * -2 when the block must be parsed in one thread instead (a cut inside a
 * quoted field; bad data, whose line a piece cannot number), with rd and
 * its table untouched. */
static ssize_t parse_parallel(reader *rd, par *p, const char *buf, size_t n)
{
    int k = rs_csvpar_cut(buf, n, p->np, p->min, p->cuts);
    if (k < 2) return -2;
    int threads = k < p->jobs ? k : p->jobs;
    p->k = k;
    p->buf = buf;
    for (int j = 0; j < k; j++) {
        reader *q = &p->part[j];
        *q = *rd;
        q->rt = &p->tab[j].t;
        q->base_users = rd->rt->users;
        q->base_items = rd->rt->items;
        q->e = &p->err[j];
        q->progress = NULL;
        q->lines = q->rows = 0;
        q->last_ok = 0;
        q->hdr = NULL;
        q->nhdr = q->hdrcap = 0;
        csv_setup(&q->csv, rd->csv.delim_char);
        q->mid = 0;
        p->rd[j] = q;
    }
    rs_err e;
    p->next = 0;
    rs_parallel_for(threads, (size_t)threads, piece_worker, p, &e);
    int ok = 1;
    for (int j = 0; j < k; j++) {
        ok &= p->ok[j];
        csv_free(&p->part[j].csv);
    }
    if (!ok) {
        /* The pieces' ids go too: one that began inside a quoted field
         * took its text for ids, which a later block would map into rd's. */
        for (int j = 0; j < k; j++) {
            ptab *pt = &p->tab[j];
            int has_r = pt->t.r != NULL, has_t = pt->t.t != NULL;
            rs_ratings_free(&pt->t);
            rs_ratings_init(&pt->t);
            rs_ratings_keep(&pt->t, has_r, has_t);
            pt->nu = pt->ni = 0;
        }
        return -2;
    }
    rs_ratings *dst = rd->rt;
    size_t at = dst->n;
    for (int j = 0; j < k; j++) {
        ptab *pt = &p->tab[j];
        map_new_ids(dst->users, pt->t.users, &pt->umap, &pt->nu, &pt->ucap);
        map_new_ids(dst->items, pt->t.items, &pt->imap, &pt->ni, &pt->icap);
        pt->at = at;
        at += pt->t.n;
        rd->rows += p->part[j].rows;
        rd->lines += p->part[j].lines;
    }
    rs_ratings_reserve(dst, at);
    p->dst = dst;
    p->rows = at - dst->n;
    rs_parallel_for(p->jobs, p->rows, copy_worker, p, &e);
    dst->n = at;
    for (int j = 0; j < k; j++) p->tab[j].t.n = 0;
    if (threads > p->used) p->used = threads;
    return (ssize_t)p->cuts[k];
}

/* The offset just after the first line end at or after at (or n). */
static size_t head_end(const char *buf, size_t n, size_t at)
{
    if (at >= n) return n;
    const char *nl = memchr(buf + at, '\n', n - at);
    return nl ? (size_t)(nl - buf) + 1 : n;
}

/* Read every line of in in blocks: the first lines in one thread, which
 * settle the header and the width; then each block in d->jobs pieces at
 * once, or in one thread when it cannot be cut (a line longer than the
 * pieces, a quoted line break at a cut, bad data). */
static int read_blocks(reader *rd, rs_in *in, int sep)
{
    const rs_dialect *d = rd->d;
    int jobs = d->jobs > 1 ? d->jobs : 1;
    size_t span = d->span_min ? d->span_min : PAR_SPAN;
    rs_csvsrc *src = rs_csvsrc_open(in, jobs > 1 ? span * 2 * (size_t)jobs : CHUNK * 4);
    par p = { 0 };
    block_start(rd, sep);
    int rc = 0, at_end = 0, estimated = 0;
    size_t seen = 0;            /* bytes used before this block */
    while (rc == 0) {
        const char *buf;
        size_t n;
        if (rs_csvsrc_next(src, &buf, &n, &at_end, rd->e) < 0) { rc = -1; break; }
        if (n == 0) break;
        size_t off = 0;
        ssize_t got;
        if (rd->header_pending || !rd->ncols || !estimated) {
            /* The first lines alone, so that the rest can be cut, and the
             * table can be made as big as the file needs at once. */
            size_t h = head_end(buf, n, SNIFF_MAX < span ? SNIFF_MAX : span);
            if ((got = parse_block(rd, buf, h, at_end && h == n)) < 0) { rc = -1; break; }
            off = (size_t)got;
            size_t left = rs_csvsrc_left(src);
            if (!estimated && rd->rows > 0 && left > n && rd->rt->n == rd->rows)
                rs_ratings_reserve(rd->rt, rd->rt->n + (size_t)((double)rd->rows /
                                   (double)(seen + off + 1) * (double)(left - off) * 1.2));
            estimated = rd->rows > 0;
        }
        got = -2;
        if (jobs > 1 && !rd->header_pending && rd->ncols && !rd->mid && n - off >= 2 * span) {
            if (!p.tab) par_init(&p, jobs, span / PIECES ? span / PIECES : 1, rd->rt);
            got = parse_parallel(rd, &p, buf + off, n - off);
        }
        if (got == -2) got = off < n || at_end ? parse_block(rd, buf + off, n - off, at_end) : 0;
        if (got < 0) { rc = -1; break; }
        rs_csvsrc_used(src, off + (size_t)got);
        seen += off + (size_t)got;
        if (rd->progress) rs_progress_update(rd->progress, rd->rt->n, 0, "rows");
        if (at_end && off + (size_t)got == n) break;
    }
    if (rc == 0) rc = block_finish(rd);
    rd->spans = p.used > 1 ? (unsigned)p.used : 1;
    par_free(&p);
    block_end(rd);
    rs_csvsrc_close(src);
    return rc;
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
    } else if (d->reference) {
        rc = read_csv(&rd, in, dd.sep);
    } else {
        rc = read_blocks(&rd, in, dd.sep);
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

