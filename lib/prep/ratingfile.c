#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "prep/ratingfile_par.h"
#include "prep/ratingfile.h"
#include "format/bundle.h"

#define CHUNK      (1u << 20)   /* bytes handed to csv_parse at a time */
#define PAR_SPAN   (8u << 20)   /* the least a thread of a parallel reading gets */
/* Strict: a stray quote is an error, not a field that swallows the rest of
 * the file.  REPALL_NL: a callback for every line end, to count lines. */
#define CSV_OPTS   (CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL)
#define MAXCOL     1024         /* columns that can hold a role */
#define SNIFF_MAX  (64u << 10)  /* bytes looked at to guess the dialect */
#define SNIFF_RECS 32           /* records looked at to guess the dialect */
#define SNIFF_FLD  16           /* fields of records 1 and 2 kept for the header guess */
#define SNIFF_LEN  64           /* bytes kept of each such field */

static const char *const role_name[RS_NROLES] = { "user", "item", "rating", "timestamp" };

/* Header names recognised without --columns, compared ignoring case, '_',
 * '-' and ' ' ("userId", "user_id" and "User ID" all mean the user). */
static const char *const known_names[RS_NROLES][9] = {
    { "user", "userid", "uid", "u", "users", "customer", "customerid", NULL },
    { "item", "itemid", "iid", "i", "movie", "movieid", "product", "productid" },
    { "rating", "ratings", "r", "score", "stars", "rate", NULL },
    { "timestamp", "time", "t", "ts", "date", "datetime", "unixtime", "unixtimestamp" },
};

void rs_dialect_init(rs_dialect *d)
{
    memset(d, 0, sizeof *d);
    d->header = -1;
}

const char *rs_dialect_format_name(int format)
{
    switch (format) {
    case RS_FMT_CSV: return "csv";
    case RS_FMT_TSV: return "tsv";
    case RS_FMT_DAT: return "dat";
    default: return "auto";
    }
}

int rs_dialect_set_format(rs_dialect *d, const char *arg, rs_err *e)
{
    static const char *const names[] = { "auto", "csv", "tsv", "dat" };
    for (int k = 0; k < 4; k++)
        if (strcmp(arg, names[k]) == 0) { d->format = k; return 0; }
    return rs_errf(e, RS_EUSAGE, "--format: '%s' is not one of auto, csv, tsv, dat", arg);
}

int rs_dialect_set_sep(rs_dialect *d, const char *arg, rs_err *e)
{
    if (strcmp(arg, "::") == 0) { d->format = RS_FMT_DAT; d->sep = 0; return 0; }
    int c;
    if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0) c = '\t';
    else if (arg[0] && !arg[1]) c = (unsigned char)arg[0];
    else return rs_errf(e, RS_EUSAGE, "--sep: '%s' is not one character (or 'tab', '::')", arg);
    if (c == '"' || c == '\n' || c == '\r' || c == '#')
        return rs_errf(e, RS_EUSAGE, "--sep: '%s' cannot separate fields", arg);
    d->sep = c;
    d->format = c == '\t' ? RS_FMT_TSV : RS_FMT_CSV;
    return 0;
}

int rs_dialect_set_columns(rs_dialect *d, const char *spec, rs_err *e)
{
    memset(d->colnum, 0, sizeof d->colnum);
    memset(d->colname, 0, sizeof d->colname);
    const char *p = spec;
    int k = 0;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (k == RS_NROLES)
            return rs_errf(e, RS_EUSAGE, "--columns: more than 4 entries in '%s' "
                           "(user,item,rating,timestamp)", spec);
        if (len == 0) {
            if (k < 2)
                return rs_errf(e, RS_EUSAGE, "--columns: the %s column cannot be left out", role_name[k]);
        } else if (strspn(p, "0123456789") >= len) {
            long v = 0;
            for (size_t j = 0; j < len && v <= MAXCOL; j++) v = v * 10 + (p[j] - '0');
            if (v < 1 || v > MAXCOL)
                return rs_errf(e, RS_EUSAGE, "--columns: column number %.*s is out of range (1 to %d)",
                               (int)len, p, MAXCOL);
            d->colnum[k] = (int)v;
        } else {
            if (len > RS_COLNAME_MAX)
                return rs_errf(e, RS_EUSAGE, "--columns: name '%.*s...' is too long", 20, p);
            memcpy(d->colname[k], p, len);
            d->colname[k][len] = '\0';
        }
        k++;
        if (!comma) break;
        p = comma + 1;
    }
    if (k < 2)
        return rs_errf(e, RS_EUSAGE, "--columns: '%s' names fewer than 2 columns (user,item "
                       "at least)", spec);
    for (int a = 0; a < k; a++)
        for (int b = a + 1; b < k; b++)
            if ((d->colnum[a] && d->colnum[a] == d->colnum[b]) ||
                (d->colname[a][0] && strcmp(d->colname[a], d->colname[b]) == 0))
                return rs_errf(e, RS_EUSAGE, "--columns: the %s and %s columns are the same",
                               role_name[a], role_name[b]);
    d->columns_given = 1;
    return 0;
}

static int columns_by_name(const rs_dialect *d)
{
    if (!d->columns_given) return 0;
    for (int r = 0; r < RS_NROLES; r++)
        if (d->colname[r][0]) return 1;
    return 0;
}

/* ---- dates ------------------------------------------------------------ */

int64_t rs_days_from_civil(int64_t y, int m, int d)
{
    /* Count from 0000-03-01 so the leap day ends the year, in 400-year eras
     * of 146097 days; 719468 is the day number of 1970-01-01 on that count. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                   /* 0..399 */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int k = 0; k < n; k++) {
        if ((unsigned)(s[k] - '0') > 9) return -1;
        v = v * 10 + (s[k] - '0');
    }
    *out = v;
    return 0;
}

int rs_parse_datetime(const char *s, size_t n, int64_t *out)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y, m, d, hh = 0, mi = 0, ss = 0;
    if (n && s[n - 1] == 'Z') n--;
    if (n != 10 && n != 16 && n != 19) return -1;
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return -1;
    if (n > 10) {
        if ((s[10] != ' ' && s[10] != 'T') || digits(s + 11, 2, &hh) || s[13] != ':' ||
            digits(s + 14, 2, &mi))
            return -1;
        if (n == 19 && (s[16] != ':' || digits(s + 17, 2, &ss))) return -1;
    }
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap) ||
        hh > 23 || mi > 59 || ss > 59)
        return -1;
    *out = rs_days_from_civil(y, m, d) * 86400 + hh * 3600 + mi * 60 + ss;
    return 0;
}

/* ---- fields ------------------------------------------------------------ */

static const double pow10tab[16] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                                     1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };

/* Copy a field into buf NUL-terminated for the strict (slow) parsers. */
static const char *cstr(const char *s, size_t n, char *buf, size_t cap)
{
    if (n >= cap) n = cap - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

static int parse_rating(const char *s, size_t n, double *out, const char **why)
{
    /* Plain decimals with at most 15 digits are m / 10^f with both exact,
     * so one division gives the correctly rounded value, as strtod would. */
    const char *p = s, *end = s + n;
    int neg = 0, nd = 0, frac = 0;
    uint64_t m = 0;
    if (p < end && (*p == '-' || *p == '+')) neg = *p++ == '-';
    while (p < end && (unsigned)(*p - '0') <= 9) { m = m * 10 + (uint64_t)(*p++ - '0'); nd++; }
    if (p < end && *p == '.')
        for (p++; p < end && (unsigned)(*p - '0') <= 9; p++) { m = m * 10 + (uint64_t)(*p - '0'); nd++; frac++; }
    if (p == end && nd > 0 && nd <= 15) {
        double v = (double)m / pow10tab[frac];
        *out = neg ? -v : v;
        return 0;
    }
    char buf[128];
    if (n >= sizeof buf) { *why = "not a number"; return -1; }
    return rs_parse_rating(cstr(s, n, buf, sizeof buf), out, why);
}

static int parse_time(const char *s, size_t n, int64_t *out, const char **why)
{
    const char *p = s, *end = s + n;
    int neg = p < end && *p == '-';
    p += neg;
    if (end - p > 0 && end - p <= 18) {     /* 18 digits cannot overflow */
        int64_t v = 0;
        while (p < end && (unsigned)(*p - '0') <= 9) v = v * 10 + (*p++ - '0');
        if (p == end) { *out = neg ? -v : v; return 0; }
    }
    if (n >= 10 && s[4] == '-') {
        if (rs_parse_datetime(s, n, out) == 0) return 0;
        *why = "not a valid date-time (YYYY-MM-DD HH:MM:SS, UTC)";
        return -1;
    }
    char buf[128];
    if (n >= sizeof buf) { *why = "not a Unix timestamp or date-time"; return -1; }
    if (rs_parse_time(cstr(s, n, buf, sizeof buf), out, why) == 0) return 0;
    if (strcmp(*why, "not an integer") == 0) *why = "not a Unix timestamp or date-time";
    return -1;
}

static int known_role(const char *s, size_t n)
{
    char low[RS_COLNAME_MAX + 1];
    size_t k = 0;
    for (size_t j = 0; j < n; j++) {
        unsigned char c = (unsigned char)s[j];
        if (c == '_' || c == '-' || c == ' ') continue;
        if (k == RS_COLNAME_MAX) return -1;
        low[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    low[k] = '\0';
    for (int r = 0; r < RS_NROLES; r++)
        for (int j = 0; known_names[r][j]; j++)
            if (strcmp(low, known_names[r][j]) == 0) return r;
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
    if (role == RS_COL_USER && s[0] == '#') {
        field_error(rd, k, role, "user id starts with '#', which canonical TSV reads as a comment",
                    s, n);
        return -1;
    }
    *out = rs_idmap_intern(m, s, n);
    return 0;
}

static void on_field(reader *rd, const char *s, size_t n)
{
    if (rd->failed) return;
    int k = rd->nf++;
    if (k == 0) {
        rd->row_line = rd->lines + 1;
        rd->comment = n > 0 && s[0] == '#';
    }
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
        if (parse_rating(s, n, &rd->r, &why) < 0) field_error(rd, k, role, why, s, n);
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
            int r = known_role(rd->hdr[k], strlen(rd->hdr[k]));
            if (r >= 0 && rd->col[r] < 0) rd->col[r] = (int)k;
        }
        if (rd->col[RS_COL_USER] < 0 || rd->col[RS_COL_ITEM] < 0) {
            line_error(rd, "missing column: no %s column in the header (%s); name the columns "
                       "with --columns", rd->col[RS_COL_USER] < 0 ? "user" : "item", list);
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

static int read_csv(reader *rd, rs_in *in, int sep)
{
    struct csv_parser p;
    csv_init(&p, CSV_OPTS);
    csv_set_delim(&p, (unsigned char)sep);
    char *buf = rs_xmalloc(CHUNK);
    int rc = 0;
    for (;;) {
        ssize_t got = rs_in_read(in, buf, CHUNK, rd->e);
        if (got < 0) { rc = -1; break; }
        if (got == 0) break;
        size_t done = csv_parse(&p, buf, (size_t)got, cb_field, cb_row, rd);
        if (rd->failed) { rc = -1; break; }
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
                         rs_err *e, const char *name, rs_progress *progress, size_t expect)
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
    if (expect) rs_ratings_reserve(rt, rt->n + expect);
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
    rs_csvpar cfg = { fd, CSV_OPTS, (unsigned char)sep, cb_field, cb_row, cb_failed, cb_tick };
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
        double per_row = (double)(head[1] - from) / (double)(rd->lines ? rd->lines : 1);
        ctx[0] = rd;
        rd->spans = (unsigned)k;
        for (int j = 1; j < k; j++) {
            rs_ratings_init(&tab[j]);
            rs_ratings_keep(&tab[j], rd->rt->r != NULL, rd->rt->t != NULL);
            rs_ratings_reserve(&tab[j], (size_t)((double)(cuts[j + 1] - cuts[j]) / per_row * 1.05));
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

/* ---- sniffing ----------------------------------------------------------- */

typedef struct sniffer {
    int nrec, nf, comment;
    int counts[SNIFF_RECS];
    int nfirst[2];
    char first[2][SNIFF_FLD][SNIFF_LEN + 1];
} sniffer;

static void sn_field(void *s, size_t n, void *data)
{
    sniffer *sn = data;
    if (sn->nf == 0) sn->comment = n > 0 && *(char *)s == '#';
    if (!sn->comment && sn->nrec < 2 && sn->nf < SNIFF_FLD) {
        size_t k = n < SNIFF_LEN ? n : SNIFF_LEN;
        memcpy(sn->first[sn->nrec][sn->nf], s, k);
        sn->first[sn->nrec][sn->nf][k] = '\0';
    }
    sn->nf++;
}

static void sn_row(int c, void *data)
{
    sniffer *sn = data;
    if (sn->nf && !sn->comment && sn->nrec < SNIFF_RECS) {
        if (sn->nrec < 2) sn->nfirst[sn->nrec] = sn->nf < SNIFF_FLD ? sn->nf : SNIFF_FLD;
        sn->counts[sn->nrec++] = sn->nf;
    }
    sn->nf = 0;
    sn->comment = 0;
}

static void sniff_with(const char *buf, size_t n, int at_eof, int fmt, int sep, sniffer *sn)
{
    memset(sn, 0, sizeof *sn);
    if (fmt == RS_FMT_DAT) {
        const char *p = buf, *end = buf + n;
        while (p < end && sn->nrec < SNIFF_RECS) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl && !at_eof) break;      /* a cut line says nothing */
            const char *le = nl ? nl : end;
            if (le > p && le[-1] == '\r') le--;
            if (le > p) {
                for (const char *f = p;;) {
                    const char *q = memmem(f, (size_t)(le - f), "::", 2);
                    sn_field((void *)f, (size_t)((q ? q : le) - f), sn);
                    if (!q) break;
                    f = q + 2;
                }
                sn_row('\n', sn);
            }
            p = nl ? nl + 1 : end;
        }
        return;
    }
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_delim(&p, (unsigned char)sep);
    /* A quoting error ends the look (the reader will report it); the
     * records before it still tell the dialect. */
    if (csv_parse(&p, buf, n, sn_field, sn_row, sn) == n && at_eof)
        csv_fini(&p, sn_field, sn_row, sn);
    csv_free(&p);
}

static int numeric(const char *s)
{
    double r;
    int64_t t;
    const char *why;
    size_t n = strlen(s);
    return n > 0 && (parse_rating(s, n, &r, &why) == 0 || rs_parse_datetime(s, n, &t) == 0);
}

void rs_dialect_sniff(const char *buf, size_t n, int at_eof, const rs_dialect *d, rs_dialect *out)
{
    static const int cand_fmt[5] = { RS_FMT_DAT, RS_FMT_TSV, RS_FMT_CSV, RS_FMT_CSV, RS_FMT_CSV };
    static const int cand_sep[5] = { 0, '\t', ',', ';', '|' };
    *out = *d;
    sniffer sn, best;
    int bestk = -1, bestnf = 0, fallback = -1;
    for (int k = 0; k < 5; k++) {
        if (d->format == RS_FMT_DAT && k != 0) continue;
        if (d->format == RS_FMT_TSV && cand_sep[k] != (d->sep ? d->sep : '\t')) continue;
        if (d->format == RS_FMT_CSV && cand_sep[k] != (d->sep ? d->sep : ',')) continue;
        if (d->format != RS_FMT_AUTO && d->format != RS_FMT_DAT && k == 0) continue;
        sniff_with(buf, n, at_eof, cand_fmt[k], cand_sep[k], &sn);
        if (sn.nrec == 0 || sn.counts[0] < 2) continue;
        int same = 1;
        for (int j = 1; j < sn.nrec; j++) same &= sn.counts[j] == sn.counts[0];
        if (fallback < 0) fallback = k;
        if (same && sn.counts[0] > bestnf) { bestk = k; bestnf = sn.counts[0]; best = sn; }
    }
    if (bestk < 0 && fallback >= 0) {
        bestk = fallback;
        sniff_with(buf, n, at_eof, cand_fmt[bestk], cand_sep[bestk], &best);
    }
    if (d->format != RS_FMT_AUTO) {
        out->sep = d->format == RS_FMT_DAT ? 0 : d->sep ? d->sep : d->format == RS_FMT_TSV ? '\t' : ',';
    } else if (bestk >= 0) {
        out->format = cand_fmt[bestk];
        out->sep = cand_sep[bestk];
    } else {
        out->format = RS_FMT_CSV;
        out->sep = ',';
    }
    if (d->header >= 0) return;
    out->header = 0;
    if (columns_by_name(d)) { out->header = 1; return; }
    if (bestk < 0) {    /* the format was forced and does not fit: look anyway */
        sniff_with(buf, n, at_eof, out->format, out->sep, &best);
        if (best.nrec == 0) return;
    }
    for (int f = 0; f < best.nfirst[0]; f++)
        if (known_role(best.first[0][f], strlen(best.first[0][f])) >= 0) { out->header = 1; return; }
    if (best.nrec >= 2) {
        int m = best.nfirst[0] < best.nfirst[1] ? best.nfirst[0] : best.nfirst[1];
        for (int f = 0; f < m; f++)
            if (!numeric(best.first[0][f]) && numeric(best.first[1][f])) { out->header = 1; return; }
    }
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
    ssize_t n = rs_in_peek(in, &p, 3, e);
    if (n < 0) return -1;
    if (n == 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {   /* a UTF-8 byte order mark */
        char bom[3];
        if (rs_in_read(in, bom, 3, e) < 0) return -1;
    }
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
    /* A plain file's size over the sniffed bytes per line says how many rows
     * are coming: reserving them at once saves the copies of doubling. */
    size_t expect = 0;
    int fd;
    off_t from, to;
    if (rs_in_region(in, &fd, &from, &to)) {
        size_t lines = 0;
        for (const unsigned char *q = p; (q = memchr(q, '\n', (size_t)(p + n - q))); q++) lines++;
        if (lines > 1) expect = (size_t)((double)(to - from) / ((double)n / (double)lines) * 1.05) + 1024;
    }
    rs_dialect dd;
    rs_dialect_sniff((const char *)p, (size_t)n, n < (ssize_t)SNIFF_MAX, d, &dd);
    if (dd.header == 0 && columns_by_name(d))
        return rs_errf(e, RS_EUSAGE, "--columns names columns, but --no-header says %s has "
                       "no header line to find them in", name);

    reader rd;
    reader_start(&rd, rt, d, &dd, e, name, progress, expect);
    int rc = 0;
    if (dd.format == RS_FMT_DAT) {
        rc = read_dat(&rd, in);
    } else if (!read_csv_parallel(&rd, in, dd.sep)) {
        reader_free(&rd);       /* start again: a parallel reading may have begun */
        e->code = 0;            /* and may have left a message this reading replaces */
        e->msg[0] = '\0';
        reader_start(&rd, rt, d, &dd, e, name, progress, expect);
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
