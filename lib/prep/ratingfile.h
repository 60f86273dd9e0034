/* ratingfile.h: reading MovieLens-style rating files of any common dialect
 * into an rs_ratings table.
 *
 * Dialects: CSV with a header (ratings.csv), TAB without one (ml-100k
 * u.data), '::' separated (ml-1m/ml-10m ratings.dat), semicolon or other
 * one-character separators, with named or numbered columns.  Timestamps are
 * Unix seconds or date-times like "2005-04-02 23:53:47" (UTC; the Kaggle
 * copy of ml-20m), converted to Unix seconds.
 *
 * Whatever is left on auto (format, separator, header) is sniffed from the
 * first 64 KiB of each input separately.  One-character separators are
 * parsed by libcsv in strict mode (RFC 4180 quoting: "Toy Story, The" is one
 * field), except TAB: tab-separated text is canonical TSV, not CSV, so a '"'
 * there is an ordinary character (ids rs-filter wrote read back as they
 * were); '::' cannot be a libcsv delimiter, so those lines are split here.
 * A UTF-8 byte order mark is dropped by rs_in, as for every text input.
 *
 * CSV and TSV are read in big blocks (ratingfile_par.h), each cut at line
 * ends into four pieces per thread (d->jobs), which the threads take in
 * turn; a line with nothing to unquote or trim is split in place, the
 * others go to libcsv.  The result, and every message, is that of one
 * thread and libcsv alone.
 *
 * Lines whose first field starts with '#' are comments; blank lines are
 * skipped.  Errors name the input, the line and the field:
 *   ratings.csv: line 3, field 3 (rating): not a number: 'abc' */
#ifndef RS_RATINGFILE_H
#define RS_RATINGFILE_H
#include <stddef.h>
#include <stdint.h>
#include "common/err.h"
#include "common/io.h"
#include "common/progress.h"
#include "prep/datetime.h"
#include "prep/ratings.h"

enum { RS_FMT_AUTO = 0, RS_FMT_CSV, RS_FMT_TSV, RS_FMT_DAT };
/* The roles a column can play, in --columns order. */
enum { RS_COL_USER = 0, RS_COL_ITEM, RS_COL_RATING, RS_COL_TIME, RS_NROLES };

#define RS_COLNAME_MAX 64   /* longest column name --columns accepts */

typedef struct rs_dialect {
    int format;     /* RS_FMT_*; CSV means a one-character separator */
    int sep;        /* separator for CSV/TSV, 0 = from the format or sniffed */
    int header;     /* 1: the first line names the columns, 0: it does not, -1: sniff */
    /* --columns, per role: 1-based number, or a header name, or neither
     * (absent when given, or by header name / position when not given). */
    int columns_given;
    int colnum[RS_NROLES];
    char colname[RS_NROLES][RS_COLNAME_MAX + 1];
    /* Threads for one big uncompressed CSV/TSV file (named, or on stdin
     * redirected from a file); 0 or 1 reads with one.  The result is the
     * same either way. */
    int jobs;
    size_t span_min;    /* the least bytes a thread takes on; 0 = 8 MiB */
    /* A longer field fails at once rather than being buffered whole;
     * 0 = RS_DIALECT_FIELD_MAX (1 MiB). */
    size_t max_field;
    /* Nonzero: every line through libcsv, in one thread, from the stream
     * (the reading before the block parser; tests compare the two). */
    int reference;
} rs_dialect;

/* What was decided for one input (for -v). */
typedef struct rs_dialect_info {
    int format, sep, header;
    int col[RS_NROLES];     /* 1-based column of each role, 0 = absent */
    int ncols;              /* fields per line */
    uint64_t rows, lines;   /* data rows appended, lines read */
    int threads;            /* threads that read it */
} rs_dialect_info;

void rs_dialect_init(rs_dialect *d);     /* everything on auto */
/* Option setters: 0, or -1 with an RS_EUSAGE error naming the option. */
int rs_dialect_set_format(rs_dialect *d, const char *arg, rs_err *e);  /* auto|csv|tsv|dat */
int rs_dialect_set_sep(rs_dialect *d, const char *arg, rs_err *e);     /* C, tab, \t, :: */
/* "user,item[,rating[,timestamp]]": each a header name or 1-based number;
 * an empty entry leaves that role out (e.g. "1,2,,4" reads no rating). */
int rs_dialect_set_columns(rs_dialect *d, const char *spec, rs_err *e);

/* Read every row of in, appending to rt.  The first input read into an
 * empty table decides whether rt keeps ratings and timestamps; later inputs
 * must have the same columns.  info and progress (rows read) may be NULL. */
int rs_dialect_read(rs_in *in, const rs_dialect *d, rs_ratings *rt,
                    rs_dialect_info *info, rs_progress *progress, rs_err *e);

/* Sniff what d leaves on auto from the start of a stream (buf, n bytes;
 * at_eof when that is all of it), filling out->format, sep and header.
 * Never fails: an unrecognisable start gives CSV with ',' and no header,
 * and the reader then reports the first line it cannot use. */
void rs_dialect_sniff(const char *buf, size_t n, int at_eof, const rs_dialect *d,
                      rs_dialect *out);

const char *rs_dialect_format_name(int format);    /* "csv", "tsv", "dat" */

/* Shared by the reader (ratingfile.c) and the dialect code (dialect.c). */
#define RS_DIALECT_SNIFF_MAX (64u << 10)    /* bytes looked at to guess the dialect */
#define RS_DIALECT_MAXCOL    1024           /* columns that can hold a role */
#define RS_DIALECT_FIELD_MAX (1u << 20)     /* default cap on one field's bytes */
extern const char *const rs_role_name[RS_NROLES];     /* "user", ... "timestamp" */
/* The role a header name means ("userId", "movie_id", "Rating"...), or -1. */
int rs_dialect_known_role(const char *s, size_t n);
/* Whether --columns names columns (then there must be a header). */
int rs_dialect_names_columns(const rs_dialect *d);

#endif
