#include <csv.h>
#include <stdlib.h>
#include <string.h>
#include "common/io.h"
#include "common/utf8.h"
#include "prep/titles.h"

enum { SEP_CSV, SEP_PIPE, SEP_TAB, SEP_DAT };

char *rs_to_utf8(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    int keep = rs_utf8_valid(s, n);
    char *out = rs_xmalloc(2 * n + 1), *q = out;
    for (size_t k = 0; k < n; k++) {
        unsigned c = u[k];
        if (c < 0x20 || c == 0x7f) *q++ = ' ';
        else if (c < 0x80 || keep) *q++ = (char)c;
        else { *q++ = (char)(0xc0 | (c >> 6)); *q++ = (char)(0x80 | (c & 0x3f)); }
    }
    *q = '\0';
    return out;
}

typedef struct reader {
    const rs_idmap *items;
    char **titles;
    uint32_t matched;
    int field;                  /* within the current CSV row */
    int64_t id;                 /* model index of this row's id, or -1 */
} reader;

/* A later row for the same item wins, as a later line would in a join. */
static void set_title(reader *r, int64_t k, const char *title, size_t tlen)
{
    if (!r->titles[k]) r->matched++;
    free(r->titles[k]);
    r->titles[k] = rs_to_utf8(title, tlen);
}

static void take(reader *r, const char *id, size_t idlen, const char *title, size_t tlen)
{
    int64_t k = rs_idmap_find(r->items, id, idlen);
    if (k >= 0) set_title(r, k, title, tlen);
}

static void csv_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (!s) s = "";     /* libcsv passes no buffer for an empty first field */
    if (r->field == 0) r->id = rs_idmap_find(r->items, s, len);
    else if (r->field == 1 && r->id >= 0) set_title(r, r->id, s, len);
    r->field++;
}

static void csv_row(int c, void *data)
{
    reader *r = data;
    r->field = 0;
    r->id = -1;
}

static int read_csv(rs_in *in, reader *r, rs_err *e)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) return rs_errf(e, RS_EDATA, "out of memory");
    r->field = 0;
    r->id = -1;
    char buf[1 << 16];
    ssize_t n;
    int rc = 0;
    while ((n = rs_in_read(in, buf, sizeof buf, e)) > 0)
        if (csv_parse(&p, buf, (size_t)n, csv_field, csv_row, r) != (size_t)n) {
            rc = rs_errf(e, RS_EDATA, "%s: CSV: %s", rs_in_name(in), csv_strerror(csv_error(&p)));
            break;
        }
    if (n < 0) rc = -1;
    if (rc == 0 && csv_fini(&p, csv_field, csv_row, r) != 0)
        rc = rs_errf(e, RS_EDATA, "%s: CSV: %s", rs_in_name(in), csv_strerror(csv_error(&p)));
    csv_free(&p);
    return rc;
}

/* id SEP title [SEP ...] per line. */
static int read_lines(rs_in *in, reader *r, const char *sep, rs_err *e)
{
    char *line;
    size_t len;
    int rc;
    size_t sl = strlen(sep);
    while ((rc = rs_in_getline(in, &line, &len, e)) == 1) {
        char *a = memmem(line, len, sep, sl);
        if (!a) continue;
        char *t = a + sl, *end = line + len;
        char *b = memmem(t, (size_t)(end - t), sep, sl);
        take(r, line, (size_t)(a - line), t, (size_t)((b ? b : end) - t));
    }
    return rc;
}

char **rs_titles_read(const char *path, const rs_idmap *items, uint32_t *matched, rs_err *e)
{
    rs_in *in = rs_in_open(path, e);
    if (!in) return NULL;
    const unsigned char *p;
    ssize_t n = rs_in_peek(in, &p, 4096, e);
    if (n < 0) {
        rs_in_close(in);
        return NULL;
    }
    int kind = SEP_CSV;
    for (ssize_t k = 0; k < n && p[k] != '\n'; k++) {
        if (p[k] == ',') { kind = SEP_CSV; break; }
        if (p[k] == '|') { kind = SEP_PIPE; break; }
        if (p[k] == '\t') { kind = SEP_TAB; break; }
        if (p[k] == ':' && k + 1 < n && p[k + 1] == ':') { kind = SEP_DAT; break; }
    }
    uint32_t ni = rs_idmap_size(items);
    reader r = { .items = items, .titles = rs_xcalloc(ni ? ni : 1, sizeof(char *)) };
    int rc = kind == SEP_CSV ? read_csv(in, &r, e)
           : read_lines(in, &r, kind == SEP_PIPE ? "|" : kind == SEP_TAB ? "\t" : "::", e);
    rs_in_close(in);
    if (rc < 0) {
        rs_titles_free(r.titles, ni);
        return NULL;
    }
    *matched = r.matched;
    return r.titles;
}

void rs_titles_free(char **titles, uint32_t n)
{
    if (!titles) return;
    for (uint32_t k = 0; k < n; k++) free(titles[k]);
    free(titles);
}
