#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tune/space.h"

void rs_space_free(rs_space *s)
{
    for (int j = 0; j < s->n; j++) {
        free(s->p[j].name);
        for (int c = 0; c < s->p[j].nchoices; c++) free(s->p[j].choices[c]);
        free(s->p[j].choices);
    }
    free(s->p);
    s->p = NULL;
    s->n = 0;
}

static int number(const char *w, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(w, &end);
    return *w && !*end && !errno && isfinite(*v) ? 0 : -1;
}

/* A name goes into {NAME} and a TSV header: letters, digits, - and _. */
static int good_name(const char *w)
{
    if (!*w) return 0;
    for (const char *c = w; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-') return 0;
    return strcmp(w, "trial") && strcmp(w, "metric") && strcmp(w, "seconds") && strcmp(w, "status");
}

static int parse_line(char **w, int nw, const char *name, long line, rs_space *s, rs_err *e)
{
    rs_param p = { 0 };
    if (nw < 2)
        return rs_errf(e, RS_EDATA, "%s: line %ld: '%s' needs a type (int, float or choice)", name, line, w[0]);
    if (!good_name(w[0]))
        return rs_errf(e, RS_EDATA, "%s: line %ld: '%s' is not a parameter name (letters, digits, - "
                       "and _; not trial, metric, seconds or status)", name, line, w[0]);
    for (int j = 0; j < s->n; j++)
        if (!strcmp(s->p[j].name, w[0]))
            return rs_errf(e, RS_EDATA, "%s: line %ld: parameter '%s' is given twice", name, line, w[0]);
    if (!strcmp(w[1], "choice")) {
        if (nw < 3) return rs_errf(e, RS_EDATA, "%s: line %ld: choice '%s' has no values", name, line, w[0]);
        p.type = RS_PARAM_CHOICE;
        p.nchoices = nw - 2;
        p.choices = rs_xcalloc((size_t)p.nchoices, sizeof *p.choices);
        for (int c = 0; c < p.nchoices; c++) p.choices[c] = rs_xstrdup(w[c + 2]);
        p.lo = 0;
        p.hi = p.nchoices - 1;
    } else if (!strcmp(w[1], "int") || !strcmp(w[1], "float")) {
        p.type = !strcmp(w[1], "int") ? RS_PARAM_INT : RS_PARAM_FLOAT;
        if (nw < 4 || nw > 5 || (nw == 5 && strcmp(w[4], "log")))
            return rs_errf(e, RS_EDATA, "%s: line %ld: '%s %s' needs LO HI and an optional 'log'", name,
                           line, w[0], w[1]);
        if (number(w[2], &p.lo) < 0 || number(w[3], &p.hi) < 0)
            return rs_errf(e, RS_EDATA, "%s: line %ld: '%s': LO and HI must be numbers, not '%s' '%s'",
                           name, line, w[0], w[2], w[3]);
        if (p.type == RS_PARAM_INT && (p.lo != floor(p.lo) || p.hi != floor(p.hi)))
            return rs_errf(e, RS_EDATA, "%s: line %ld: '%s int': LO and HI must be integers", name,
                           line, w[0]);
        if (!(p.lo < p.hi))
            return rs_errf(e, RS_EDATA, "%s: line %ld: '%s': LO must be below HI", name, line, w[0]);
        p.log = nw == 5;
        if (p.log && !(p.lo > 0))
            return rs_errf(e, RS_EDATA, "%s: line %ld: '%s': a log range needs LO > 0", name, line, w[0]);
    } else {
        return rs_errf(e, RS_EDATA, "%s: line %ld: '%s' is not a type (int, float or choice)", name,
                       line, w[1]);
    }
    p.name = rs_xstrdup(w[0]);
    s->p = rs_xrealloc(s->p, (size_t)(s->n + 1) * sizeof *s->p);
    s->p[s->n++] = p;
    return 0;
}

int rs_space_parse(const char *text, const char *name, rs_space *s, rs_err *e)
{
    s->p = NULL;
    s->n = 0;
    char *copy = rs_xstrdup(text), *save = NULL;
    long line = 0;
    int rc = 0;
    /* Lines one by one (strtok_r would skip blank lines and lose the count). */
    for (char *l = copy; l && rc == 0; l = save) {
        char *nl = strchr(l, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl) *nl = '\0';
        line++;
        char *hash = strchr(l, '#');
        if (hash) *hash = '\0';
        char *w[256], *ws = NULL;
        int nw = 0;
        for (char *t = strtok_r(l, " \t\r", &ws); t; t = strtok_r(NULL, " \t\r", &ws)) {
            if (nw == 256) {
                rc = rs_errf(e, RS_EDATA, "%s: line %ld: more than 254 choices", name, line);
                break;
            }
            w[nw++] = t;
        }
        if (rc == 0 && nw > 0) rc = parse_line(w, nw, name, line, s, e);
    }
    free(copy);
    if (rc == 0 && s->n == 0) rc = rs_errf(e, RS_EDATA, "%s: no parameters", name);
    if (rc < 0) rs_space_free(s);
    return rc;
}

int rs_space_read(const char *path, rs_space *s, rs_err *e)
{
    FILE *f = fopen(path, "r");
    if (!f) return rs_errf(e, RS_EDATA, "%s: %s", path, strerror(errno));
    size_t cap = 4096, len = 0;
    char *buf = rs_xmalloc(cap);
    size_t got;
    while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len < 2) buf = rs_xrealloc(buf, cap *= 2);
    }
    int bad = ferror(f);
    fclose(f);
    buf[len] = '\0';
    int rc = bad ? rs_errf(e, RS_EDATA, "%s: read error", path) : rs_space_parse(buf, path, s, e);
    free(buf);
    return rc;
}

void rs_param_bounds(const rs_param *p, double *lo, double *hi)
{
    if (p->type == RS_PARAM_CHOICE) {
        *lo = 0;
        *hi = p->nchoices;
        return;
    }
    /* An integer owns the interval of the reals that round to it. */
    double w = p->type == RS_PARAM_INT ? 0.5 : 0;
    *lo = p->log ? log(p->lo - w) : p->lo - w;
    *hi = p->log ? log(p->hi + w) : p->hi + w;
}

void rs_param_format(const rs_param *p, double x, char *buf, size_t n)
{
    if (p->type == RS_PARAM_CHOICE) {
        int c = (int)floor(x);
        c = c < 0 ? 0 : c >= p->nchoices ? p->nchoices - 1 : c;
        snprintf(buf, n, "%s", p->choices[c]);
        return;
    }
    double v = p->log ? exp(x) : x;
    v = v < p->lo ? p->lo : v > p->hi ? p->hi : v;   /* what rounding pushed out */
    if (p->type == RS_PARAM_INT) {
        snprintf(buf, n, "%lld", (long long)llround(v));
        return;
    }
    /* Six significant digits at most, fewer when they say the same, but
     * never a rounding that leaves the range. */
    for (int d = 1; d <= 6; d++) {
        snprintf(buf, n, "%.*g", d, v);
        double r = strtod(buf, NULL);
        if (d == 6 || (r >= p->lo && r <= p->hi && fabs(r - v) <= 5e-7 * fabs(v))) break;
    }
    double r = strtod(buf, NULL);
    if (r < p->lo || r > p->hi) snprintf(buf, n, "%.17g", v);
}

int rs_param_parse(const rs_param *p, const char *s, double *x)
{
    if (p->type == RS_PARAM_CHOICE) {
        for (int c = 0; c < p->nchoices; c++)
            if (!strcmp(p->choices[c], s)) {
                *x = c + 0.5;
                return 0;
            }
        return -1;
    }
    double v;
    if (number(s, &v) < 0 || v < p->lo || v > p->hi) return -1;
    if (p->type == RS_PARAM_INT && v != floor(v)) return -1;
    *x = p->log ? log(v) : v;
    return 0;
}

static int find(const rs_space *s, const char *name, size_t len)
{
    for (int j = 0; j < s->n; j++)
        if (strlen(s->p[j].name) == len && !strncmp(s->p[j].name, name, len)) return j;
    if (len == 5 && !strncmp(name, "trial", 5)) return s->n;
    return -1;
}

/* Walk tmpl: each {NAME} found calls back with its parameter index (n for
 * trial, -1 unknown); text between goes to out when out is not NULL. */
static int walk(const rs_space *s, const char *tmpl, char *const *values, long trial, char **out,
                size_t *len, size_t *cap, int *used, rs_err *e)
{
    for (const char *c = tmpl; *c;) {
        const char *piece = c;
        size_t plen = 1;
        char num[32];
        size_t w = 0;
        if (c[0] == '{')
            while (isalnum((unsigned char)c[1 + w]) || c[1 + w] == '_' || c[1 + w] == '-') w++;
        if (c[0] == '{' && c[1] == '{') {
            c += 2;
        } else if (c[0] == '{' && w > 0 && c[1 + w] == '}') {
            /* {WORD}: a parameter; any other brace (awk, sh) is text. */
            int j = find(s, c + 1, w);
            if (j < 0)
                return rs_errf(e, RS_EUSAGE, "the command names {%.*s}, which is not a parameter of "
                               "the space (nor {trial}; write {{ for a literal {)", (int)w, c + 1);
            if (used) used[j] = 1;
            if (j == s->n) {
                snprintf(num, sizeof num, "%ld", trial);
                piece = num;
            } else {
                piece = values ? values[j] : "";
            }
            plen = strlen(piece);
            c += w + 2;
        } else {
            c++;
        }
        if (out) {
            rs_grow(out, cap, *len + plen + 1, 1);
            memcpy(*out + *len, piece, plen);
            *len += plen;
            (*out)[*len] = '\0';
        }
    }
    return 0;
}

int rs_space_check_template(const rs_space *s, const char *tmpl, rs_err *e)
{
    int *used = rs_xcalloc((size_t)s->n + 1, sizeof *used);
    int rc = walk(s, tmpl, NULL, 0, NULL, NULL, NULL, used, e);
    for (int j = 0; rc == 0 && j < s->n; j++)
        if (!used[j])
            rc = rs_errf(e, RS_EUSAGE, "parameter '%s' of the space is not in the command (as {%s})",
                         s->p[j].name, s->p[j].name);
    free(used);
    return rc;
}

char *rs_space_expand(const rs_space *s, const char *tmpl, char *const *values, long trial)
{
    size_t len = 0, cap = 0;
    char *out = NULL;
    rs_err e;
    rs_grow(&out, &cap, 1, 1);
    out[0] = '\0';
    if (walk(s, tmpl, values, trial, &out, &len, &cap, NULL, &e) < 0) out[0] = '\0';
    return out;
}
