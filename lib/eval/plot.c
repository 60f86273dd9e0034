#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "eval/plot.h"

void rs_table_free(rs_table *t)
{
    for (int c = 0; c < t->ncols; c++) free(t->head[c]);
    free(t->name);
    for (size_t x = 0; x < t->nrows * (size_t)t->ncols; x++) free(t->cell[x]);
    free(t->head);
    free(t->cell);
    memset(t, 0, sizeof *t);
}

static int split(char *line, char ***out)
{
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    int k = 1;
    for (char *c = line; *c; c++) k += *c == '\t';
    char **f = rs_xmalloc((size_t)k * sizeof *f);
    int j = 0;
    for (char *c = line;; j++) {
        char *tab = strchr(c, '\t');
        if (tab) *tab = '\0';
        f[j] = c;
        if (!tab) break;
        c = tab + 1;
    }
    *out = f;
    return k;
}

int rs_table_read(FILE *f, const char *name, rs_table *t, rs_err *e)
{
    memset(t, 0, sizeof *t);
    char *line = NULL;
    size_t cap = 0, rcap = 0;
    long ln = 0;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        ln++;
        char **fs;
        if (line[0] == '\n' && ln > 1) continue;
        int k = split(line, &fs);
        if (ln == 1) {
            t->ncols = k;
            t->head = rs_xmalloc((size_t)k * sizeof *t->head);
            for (int c = 0; c < k; c++) t->head[c] = rs_xstrdup(fs[c]);
        } else if (k != t->ncols) {
            rc = rs_errf(e, RS_EDATA, "%s: line %ld: %d fields, but the header has %d", name, ln, k, t->ncols);
        } else {
            rs_grow(&t->cell, &rcap, (t->nrows + 1) * (size_t)k, sizeof *t->cell);
            for (int c = 0; c < k; c++) t->cell[t->nrows * (size_t)k + (size_t)c] = rs_xstrdup(fs[c]);
            t->nrows++;
        }
        free(fs);
    }
    free(line);
    if (rc == 0 && ferror(f)) rc = rs_errf(e, RS_EDATA, "%s: read error: %s", name, strerror(errno));
    if (rc == 0 && ln == 0) rc = rs_errf(e, RS_EDATA, "%s: empty (a table needs a header line)", name);
    if (rc == 0 && t->nrows == 0) rc = rs_errf(e, RS_EDATA, "%s: a header but no rows to draw", name);
    if (rc < 0) rs_table_free(t);
    else t->name = rs_xstrdup(name);
    return rc;
}

int rs_table_col(const rs_table *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (!strcmp(t->head[c], name)) return c;
    return -1;
}

static const char *cell(const rs_table *t, size_t r, int c) { return t->cell[r * (size_t)t->ncols + (size_t)c]; }

static int number(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return *s && !*end && !errno ? 0 : -1;
}

/* A string as a gnuplot double-quoted string; text (not a file name) is
 * shown in enhanced mode, where '@', '_', '^' and '&' are markup. */
static void quoted_as(FILE *f, const char *s, int text)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', f);
        if (text && (*s == '_' || *s == '^' || *s == '@' || *s == '&')) fputs("\\\\", f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void quoted(FILE *f, const char *s) { quoted_as(f, s, 1); }

static int is_numeric_col(const rs_table *t, int c)
{
    double v;
    for (size_t r = 0; r < t->nrows; r++)
        if (number(cell(t, r, c), &v) < 0 && strcmp(cell(t, r, c), "nan")) return 0;
    return 1;
}

/* The distinct values of column c in order of first appearance. */
static size_t groups(const rs_table *t, int c, const char ***out)
{
    const char **g = rs_xmalloc((t->nrows + 1) * sizeof *g);
    size_t n = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *v = c < 0 ? "" : cell(t, r, c);
        size_t j = 0;
        while (j < n && strcmp(g[j], v)) j++;
        if (j == n) g[n++] = v;
    }
    *out = g;
    return n;
}

int rs_plot_script(FILE *f, const rs_table *t, const rs_plot_opts *o, rs_err *e)
{
    int xc = o->x ? rs_table_col(t, o->x) : 0;
    if (xc < 0) return rs_errf(e, RS_EUSAGE, "-x: no column '%s' in the table", o->x);
    int bc = -1;
    if (o->by && (bc = rs_table_col(t, o->by)) < 0)
        return rs_errf(e, RS_EUSAGE, "--by: no column '%s' in the table", o->by);
    int *yc = rs_xmalloc(((size_t)t->ncols + (size_t)o->ny + 1) * sizeof *yc), ny = 0;
    if (o->ny) {
        for (int j = 0; j < o->ny; j++)
            if ((yc[ny++] = rs_table_col(t, o->y[j])) < 0) {
                free(yc);
                return rs_errf(e, RS_EUSAGE, "-y: no column '%s' in the table", o->y[j]);
            }
    } else {
        for (int c = 0; c < t->ncols; c++)
            if (c != xc && c != bc && is_numeric_col(t, c)) yc[ny++] = c;
        if (!ny) {
            free(yc);
            return rs_errf(e, RS_EUSAGE, "no numeric column to draw: name one with -y");
        }
    }
    int xnum = is_numeric_col(t, xc);
    if (o->kind != RS_PLOT_BARS && !xnum) {
        free(yc);
        return rs_errf(e, RS_EUSAGE, "-x %s is not numeric: draw it with --kind bars", t->head[xc]);
    }
    for (size_t r = 0; r < t->nrows; r++)
        for (int j = 0; j < ny; j++) {
            double v;
            const char *s = cell(t, r, yc[j]);
            if (number(s, &v) < 0 && strcmp(s, "nan") && *s) {
                rs_errf(e, RS_EDATA, "%s: line %zu, column %s: not a number: '%s'", t->name, r + 2,
                        t->head[yc[j]], s);
                free(yc);
                return -1;
            }
        }
    const char **g;
    size_t ng = groups(t, bc, &g);

    fprintf(f, "# made by rs-plot: gnuplot this file to draw it again\n");
    fprintf(f, "set terminal %s size %d,%d %senhanced font \"sans,11\" background rgb \"white\"\n",
            o->terminal, o->width, o->height, strcmp(o->terminal, "svg") ? "" : "dynamic ");
    fputs("set output ", f);
    quoted_as(f, o->output, 0);
    fputs("\nset datafile separator \"\\t\"\nset datafile missing \"nan\"\n", f);
    fputs("set grid lc rgb \"#dddddd\"\nset key outside right top\nset border 3\nset tics nomirror\n", f);
    if (o->title) {
        fputs("set title ", f);
        quoted(f, o->title);
        fputc('\n', f);
    }
    fputs("set xlabel ", f);
    quoted(f, o->xlabel ? o->xlabel : t->head[xc]);
    fputs("\nset ylabel ", f);
    quoted(f, o->ylabel ? o->ylabel : ny == 1 ? t->head[yc[0]] : "");
    fputc('\n', f);
    if (o->logx) fputs("set logscale x\n", f);
    if (o->logy) fputs("set logscale y\n", f);

    if (o->kind == RS_PLOT_BARS) {
        /* One cluster per x value; one bar per (group, y) series. */
        const char **xs;
        size_t nx = groups(t, xc, &xs);
        fputs("$data << EOD\n", f);
        for (size_t a = 0; a < nx; a++) {
            fputs(xs[a], f);
            for (size_t b = 0; b < ng; b++)
                for (int j = 0; j < ny; j++) {
                    const char *v = "nan";
                    for (size_t r = 0; r < t->nrows; r++)
                        if (!strcmp(cell(t, r, xc), xs[a]) && (bc < 0 || !strcmp(cell(t, r, bc), g[b])))
                            v = cell(t, r, yc[j]);
                    fprintf(f, "\t%s", v);
                }
            fputc('\n', f);
        }
        fputs("EOD\n", f);
        fputs("set style data histogram\nset style histogram clustered gap 1\n"
              "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset yrange [0:*]\n"
              "set xtics rotate by -30\n", f);
        fputs("plot ", f);
        int s = 0;
        for (size_t b = 0; b < ng; b++)
            for (int j = 0; j < ny; j++, s++) {
                fprintf(f, "%s$data using %d%s title ", s ? ", \\\n     " : "", s + 2, s ? "" : ":xtic(1)");
                char name[512];
                snprintf(name, sizeof name, "%s%s%s", bc >= 0 ? g[b] : "", bc >= 0 && ny > 1 ? " " : "",
                         bc < 0 || ny > 1 ? t->head[yc[j]] : "");
                quoted(f, name);
            }
        fputc('\n', f);
        free(xs);
    } else {
        /* One data block per series, rows in table order. */
        int s = 0;
        for (size_t b = 0; b < ng; b++)
            for (int j = 0; j < ny; j++, s++) {
                fprintf(f, "$s%d << EOD\n", s);
                for (size_t r = 0; r < t->nrows; r++)
                    if (bc < 0 || !strcmp(cell(t, r, bc), g[b]))
                        fprintf(f, "%s\t%s\n", cell(t, r, xc), *cell(t, r, yc[j]) ? cell(t, r, yc[j]) : "nan");
                fputs("EOD\n", f);
            }
        fputs("plot ", f);
        s = 0;
        for (size_t b = 0; b < ng; b++)
            for (int j = 0; j < ny; j++, s++) {
                fprintf(f, "%s$s%d using 1:2 with %s lw 2 pt 7 ps 0.6 title ", s ? ", \\\n     " : "", s,
                        o->kind == RS_PLOT_POINTS ? "points" : "linespoints");
                char name[512];
                snprintf(name, sizeof name, "%s%s%s", bc >= 0 ? g[b] : "", bc >= 0 && ny > 1 ? " " : "",
                         bc < 0 || ny > 1 ? t->head[yc[j]] : "");
                quoted(f, name);
            }
        fputc('\n', f);
    }
    free(g);
    free(yc);
    return 0;
}
