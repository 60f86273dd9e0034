/* plot.h: pictures of TSV tables (rs-eval's reports, rs-search's trials,
 * rs-svd's --curve) as gnuplot scripts.
 *
 * A table is a header line and rows of tab-separated fields.  A plot takes
 * one column as x and one or more as y; --by splits the rows into one
 * line per value of a column (a model, a fold).  The script holds the
 * numbers it draws as inline data blocks, so it reproduces the picture by
 * itself (gnuplot FILE.gp); the caller keeps the table beside it. */
#ifndef RS_EVAL_PLOT_H
#define RS_EVAL_PLOT_H
#include <stddef.h>
#include <stdio.h>
#include "common/err.h"

typedef struct rs_table {
    char *name;             /* for messages */
    int ncols;
    char **head;
    size_t nrows;
    char **cell;            /* nrows x ncols */
} rs_table;

/* Read a TSV with a header from f (name for messages: file, line, field). */
int rs_table_read(FILE *f, const char *name, rs_table *t, rs_err *e);
void rs_table_free(rs_table *t);
/* The column called name, or -1. */
int rs_table_col(const rs_table *t, const char *name);

enum { RS_PLOT_LINES, RS_PLOT_POINTS, RS_PLOT_BARS };

typedef struct rs_plot_opts {
    const char *x;          /* column name; NULL: the first */
    const char **y;         /* column names; ny 0: every numeric column but x and by */
    int ny;
    const char *by;         /* or NULL */
    int kind;               /* RS_PLOT_* */
    int logx, logy;
    const char *title, *xlabel, *ylabel;   /* or NULL */
    const char *terminal;   /* "svg", "pngcairo", "png" */
    const char *output;     /* the picture gnuplot writes */
    int width, height;      /* pixels */
} rs_plot_opts;

/* The gnuplot script of t's plot, to f.  Bad columns are RS_EUSAGE
 * errors; a y value that is not a number is RS_EDATA (naming the line). */
int rs_plot_script(FILE *f, const rs_table *t, const rs_plot_opts *o, rs_err *e);

#endif
