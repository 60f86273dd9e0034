#include <csv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/io.h"
#include "prep/features.h"

/* u.genre of ml-100k: the meaning of u.item's 19 flag columns. */
static const char *const ml100k_genres[] = {
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
    "Romance", "Sci-Fi", "Thriller", "War", "Western" };
enum { ML100K_GENRES = sizeof ml100k_genres / sizeof *ml100k_genres, ML100K_FIELDS = 5 + ML100K_GENRES };

/* ml-1m's age codes (users.dat), the bands u.user's ages are put in too. */
static const struct band { int from; const char *name; } age_bands[] = {
    { 0, "age:under-18" }, { 18, "age:18-24" }, { 25, "age:25-34" }, { 35, "age:35-44" },
    { 45, "age:45-49" }, { 50, "age:50-55" }, { 56, "age:56+" } };

/* One (item, attribute, weight) as read; seq keeps the first of repeats. */
typedef struct pair { uint64_t key; uint64_t seq; float w; } pair;

/* (item, attribute) pairs as read, grouped at the end. */
typedef struct pairs {
    rs_features *f;
    const rs_features_opts *o;
    pair *key;                  /* key = item << 32 | attribute */
    size_t n, cap;
    /* CSV state */
    int field;
    uint64_t row;
    int64_t cur;                /* this row's item, -1 before field 0 or in a header */
} pairs;

static uint32_t intern_item(pairs *p, const char *s, size_t len)
{
    return rs_idmap_intern(p->f->items, s, len);
}

static void add_w(pairs *p, uint32_t item, const char *a, size_t len, float w)
{
    if (!len || (len == 18 && !memcmp(a, "(no genres listed)", 18))) return;
    rs_grow(&p->key, &p->cap, p->n + 1, sizeof *p->key);
    p->key[p->n] = (pair){ (uint64_t)item << 32 | rs_idmap_intern(p->f->attrs, a, len), p->n, w };
    p->n++;
}

static void add(pairs *p, uint32_t item, const char *a, size_t len) { add_w(p, item, a, len, 1); }

/* With o->year: "year:1995" from a title ending "(1995)" (spaces after it
 * allowed); a title without one gives nothing. */
static void add_year(pairs *p, uint32_t item, const char *t, size_t len)
{
    if (!p->o || !p->o->year) return;
    while (len && (t[len - 1] == ' ' || t[len - 1] == '\r')) len--;
    if (len < 6 || t[len - 1] != ')' || t[len - 6] != '(') return;
    for (size_t k = len - 5; k < len - 1; k++)
        if (t[k] < '0' || t[k] > '9') return;
    char buf[16];
    memcpy(buf, "year:", 5);
    memcpy(buf + 5, t + len - 5, 4);
    add(p, item, buf, 9);
}

static const char *age_band(long age)
{
    size_t b = 0;
    while (b + 1 < sizeof age_bands / sizeof *age_bands && age >= age_bands[b + 1].from) b++;
    return age_bands[b].name;
}

/* "prefix:value" as an attribute. */
static void add_pre(pairs *p, uint32_t item, const char *pre, const char *v, size_t len)
{
    char buf[128];
    int n = snprintf(buf, sizeof buf, "%s:%.*s", pre, (int)(len < 100 ? len : 100), v);
    add(p, item, buf, (size_t)n);
}

/* "Action|Comedy": each part an attribute. */
static void add_list(pairs *p, uint32_t item, const char *s, size_t len)
{
    const char *end = s + len;
    while (s <= end) {
        const char *bar = memchr(s, '|', (size_t)(end - s));
        const char *stop = bar ? bar : end;
        add(p, item, s, (size_t)(stop - s));
        s = stop + 1;
    }
}

static void csv_field(void *s, size_t len, void *data)
{
    pairs *p = data;
    if (!s) s = "";     /* libcsv passes no buffer for an empty first field */
    if (p->field == 0)
        p->cur = p->row == 0 && len == 7 && !memcmp(s, "movieId", 7) ? -1
               : (int64_t)intern_item(p, s, len);
    else if (p->field == 1 && p->cur >= 0) add_year(p, (uint32_t)p->cur, s, len);
    else if (p->field == 2 && p->cur >= 0) add_list(p, (uint32_t)p->cur, s, len);
    p->field++;
}

static void csv_row(int c, void *data)
{
    (void)c;
    pairs *p = data;
    p->field = 0;
    p->cur = -1;
    p->row++;
}

static int read_csv(rs_in *in, pairs *p, rs_err *e)
{
    struct csv_parser cp;
    if (csv_init(&cp, CSV_APPEND_NULL) != 0) return rs_errf(e, RS_EDATA, "out of memory");
    p->cur = -1;
    char buf[1 << 16];
    ssize_t n;
    int rc = 0;
    while ((n = rs_in_read(in, buf, sizeof buf, e)) > 0)
        if (csv_parse(&cp, buf, (size_t)n, csv_field, csv_row, p) != (size_t)n) {
            rc = rs_errf(e, RS_EDATA, "%s: CSV: %s", rs_in_name(in), csv_strerror(csv_error(&cp)));
            break;
        }
    if (n < 0) rc = -1;
    if (rc == 0 && csv_fini(&cp, csv_field, csv_row, p) != 0)
        rc = rs_errf(e, RS_EDATA, "%s: CSV: %s", rs_in_name(in), csv_strerror(csv_error(&cp)));
    csv_free(&cp);
    return rc;
}

/* Cut at sep; up to max field starts and lengths, returns the count. */
static int cut(const char *s, size_t len, const char *sep, const char **f, size_t *fl, int max)
{
    size_t sl = strlen(sep);
    const char *end = s + len;
    int nf = 0;
    for (;;) {
        const char *a = memmem(s, (size_t)(end - s), sep, sl);
        const char *stop = a ? a : end;
        if (nf < max) { f[nf] = s; fl[nf] = (size_t)(stop - s); }
        nf++;
        if (!a) return nf;
        s = a + sl;
    }
}

enum { SEP_CSV, SEP_PIPE, SEP_TAB, SEP_DAT };

static int read_lines(rs_in *in, pairs *p, int kind, rs_err *e)
{
    const char *sep = kind == SEP_PIPE ? "|" : kind == SEP_TAB ? "\t" : "::";
    const char *name = rs_in_name(in);
    char *line;
    size_t len;
    int rc, users = -1;
    while ((rc = rs_in_getline(in, &line, &len, e)) == 1) {
        unsigned long long ln = rs_in_lineno(in);
        const char *f[ML100K_FIELDS];
        size_t fl[ML100K_FIELDS];
        if (!len || line[0] == '#') continue;
        int nf = cut(line, len, sep, f, fl, ML100K_FIELDS);
        /* Five fields on the first line: a users file (u.user, users.dat). */
        if (users < 0) users = kind != SEP_TAB && nf == 5;
        if (users && nf != 5)
            return rs_errf(e, RS_EDATA, "%s: line %llu: %d fields, expected %s's 5", name, ln,
                           nf, kind == SEP_PIPE ? "u.user (user|age|gender|occupation|zip)"
                           : "users.dat (user::gender::age::occupation::zip)");
        if (kind == SEP_TAB && nf != 2 && nf != 3)
            return rs_errf(e, RS_EDATA, "%s: line %llu: %d fields, expected "
                           "item<TAB>attribute[<TAB>weight]", name, ln, nf);
        if (kind == SEP_DAT && nf != 3 && !users)
            return rs_errf(e, RS_EDATA, "%s: line %llu: %d fields, expected id::title::genres",
                           name, ln, nf);
        if (kind == SEP_PIPE && nf != ML100K_FIELDS && !users)
            return rs_errf(e, RS_EDATA, "%s: line %llu: %d fields, expected ml-100k u.item's %d "
                           "(id|title|date|video date|url|19 genre flags)", name, ln, nf,
                           ML100K_FIELDS);
        if (!fl[0])
            return rs_errf(e, RS_EDATA, "%s: line %llu, field 1 (item): empty", name, ln);
        uint32_t item = intern_item(p, f[0], fl[0]);
        if (users) {
            int age_at = kind == SEP_PIPE ? 1 : 2, sex_at = kind == SEP_PIPE ? 2 : 1;
            char num[24], *end;
            size_t al = fl[age_at] < sizeof num - 1 ? fl[age_at] : sizeof num - 1;
            memcpy(num, f[age_at], al);
            num[al] = '\0';
            long age = strtol(num, &end, 10);
            if (!al || *end || age < 0 || age > 200)
                return rs_errf(e, RS_EDATA, "%s: line %llu, field %d (age): not an age: '%.*s'",
                               name, ln, age_at + 1, (int)(fl[age_at] < 40 ? fl[age_at] : 40),
                               f[age_at]);
            const char *band = age_band(age);
            add(p, item, band, strlen(band));
            if (fl[sex_at]) add_pre(p, item, "gender", f[sex_at], fl[sex_at]);
            if (fl[3]) add_pre(p, item, "occupation", f[3], fl[3]);
        } else if (kind == SEP_TAB) {
            if (!fl[1])
                return rs_errf(e, RS_EDATA, "%s: line %llu, field 2 (attribute): empty", name, ln);
            float w = 1;
            if (nf == 3) {
                char num[64], *end;
                size_t wl = fl[2] < sizeof num - 1 ? fl[2] : sizeof num - 1;
                memcpy(num, f[2], wl);
                num[wl] = '\0';
                double d = strtod(num, &end);
                if (!wl || *end || !isfinite(d) || d < 0 || d > 1e30)
                    return rs_errf(e, RS_EDATA, "%s: line %llu, field 3 (weight): not a number "
                                   ">= 0: '%.*s'", name, ln, (int)(fl[2] < 40 ? fl[2] : 40), f[2]);
                w = (float)d;
            }
            add_w(p, item, f[1], fl[1], w);
        } else if (kind == SEP_DAT) {
            add_year(p, item, f[1], fl[1]);
            add_list(p, item, f[2], fl[2]);
        } else {
            add_year(p, item, f[1], fl[1]);
            for (int g = 0; g < ML100K_GENRES; g++) {
                const char *v = f[5 + g];
                if (fl[5 + g] != 1 || (*v != '0' && *v != '1'))
                    return rs_errf(e, RS_EDATA, "%s: line %llu, field %d (%s): not 0 or 1: "
                                   "'%.*s'", name, ln, 6 + g, ml100k_genres[g],
                                   (int)(fl[5 + g] < 40 ? fl[5 + g] : 40), v);
                if (*v == '1') add(p, item, ml100k_genres[g], strlen(ml100k_genres[g]));
            }
        }
    }
    return rc < 0 ? -1 : 0;
}

static int by_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->key != y->key) return (x->key > y->key) - (x->key < y->key);
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Sorted, distinct attributes per item. */
static void group(pairs *p)
{
    rs_features *f = p->f;
    uint32_t ni = rs_idmap_size(f->items);
    pair *key = p->key;
    qsort(key, p->n, sizeof *key, by_pair);
    f->start = rs_xcalloc((size_t)ni + 1, sizeof *f->start);
    f->attr = rs_xmalloc((p->n ? p->n : 1) * sizeof *f->attr);
    f->weight = rs_xmalloc((p->n ? p->n : 1) * sizeof *f->weight);
    size_t m = 0;
    for (size_t j = 0; j < p->n; j++) {
        if (j && key[j].key == key[j - 1].key) continue;
        f->weight[m] = key[j].w;
        f->attr[m++] = (uint32_t)key[j].key;
        f->start[(key[j].key >> 32) + 1]++;
    }
    for (uint32_t k = 0; k < ni; k++) f->start[k + 1] += f->start[k];
}

int rs_features_read(const char *path, rs_features *f, rs_err *e)
{
    return rs_features_read_opts(path, NULL, f, e);
}

int rs_features_read_opts(const char *path, const rs_features_opts *o, rs_features *f, rs_err *e)
{
    memset(f, 0, sizeof *f);
    rs_in *in = rs_in_open(path, e);
    if (!in) return -1;
    const unsigned char *s;
    ssize_t n = rs_in_peek(in, &s, 4096, e);
    if (n < 0) { rs_in_close(in); return -1; }
    int kind = SEP_CSV;
    for (ssize_t k = 0; k < n && s[k] != '\n'; k++) {
        if (s[k] == ',') { kind = SEP_CSV; break; }
        if (s[k] == '|') { kind = SEP_PIPE; break; }
        if (s[k] == '\t') { kind = SEP_TAB; break; }
        if (s[k] == ':' && k + 1 < n && s[k + 1] == ':') { kind = SEP_DAT; break; }
    }
    f->items = rs_idmap_new();
    f->attrs = rs_idmap_new();
    pairs p = { .f = f, .o = o };
    int rc = kind == SEP_CSV ? read_csv(in, &p, e) : read_lines(in, &p, kind, e);
    if (rc == 0 && !p.n)
        rc = rs_errf(e, RS_EDATA, "%s: no item attributes found (expected MovieLens movies.csv, "
                     "movies.dat, u.item, u.user, users.dat or item<TAB>attribute lines)", rs_in_name(in));
    rs_in_close(in);
    if (rc == 0) group(&p);
    free(p.key);
    if (rc < 0) rs_features_free(f);
    return rc;
}

void rs_features_free(rs_features *f)
{
    rs_idmap_free(f->items);
    rs_idmap_free(f->attrs);
    free(f->start);
    free(f->attr);
    free(f->weight);
    memset(f, 0, sizeof *f);
}
