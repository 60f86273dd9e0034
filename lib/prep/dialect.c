#include <csv.h>
#include <string.h>
#include "common/num.h"
#include "prep/datetime.h"
#include "prep/ratingfile.h"

#define MAXCOL     RS_DIALECT_MAXCOL
#define SNIFF_RECS 32           /* records looked at to guess the dialect */
#define SNIFF_FLD  16           /* fields of records 1 and 2 kept for the header guess */
#define SNIFF_LEN  64           /* bytes kept of each such field */

const char *const rs_role_name[RS_NROLES] = { "user", "item", "rating", "timestamp" };
#define role_name rs_role_name

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

int rs_dialect_names_columns(const rs_dialect *d)
{
    if (!d->columns_given) return 0;
    for (int r = 0; r < RS_NROLES; r++)
        if (d->colname[r][0]) return 1;
    return 0;
}

int rs_dialect_known_role(const char *s, size_t n)
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
    if (sep == '\t') csv_set_quote(&p, '\0');     /* canonical TSV: no quoting */
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
    return n > 0 && (rs_num_f64(s, n, &r, &why) == 0 || rs_parse_datetime(s, n, &t) == 0);
}

/* A first record naming a known column is a header; so is one of names
 * only (no number in it) over a record with numbers where it has names.
 * A first record with a number in it is data, even if some other field is
 * not a number where the next record has one: that is a bad value, which
 * the reader then names ("line 1, field 3 (rating): not a number"). */
static int looks_like_header(const sniffer *best)
{
    for (int f = 0; f < best->nfirst[0]; f++)
        if (rs_dialect_known_role(best->first[0][f], strlen(best->first[0][f])) >= 0) return 1;
    if (best->nrec < 2) return 0;
    for (int f = 0; f < best->nfirst[0]; f++)
        if (numeric(best->first[0][f])) return 0;
    int m = best->nfirst[0] < best->nfirst[1] ? best->nfirst[0] : best->nfirst[1];
    for (int f = 0; f < m; f++)
        if (numeric(best->first[1][f])) return 1;
    return 0;
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
    if (rs_dialect_names_columns(d)) { out->header = 1; return; }
    if (bestk < 0) {    /* the format was forced and does not fit: look anyway */
        sniff_with(buf, n, at_eof, out->format, out->sep, &best);
        if (best.nrec == 0) return;
    }
    out->header = looks_like_header(&best);
}
