/* ratingfile_par.h: one CSV file parsed by libcsv in several threads.
 *
 * A byte range of a regular file is cut at line ends into spans, and each
 * span is parsed by its own csv_parser with the caller's callbacks and a
 * context of its own: the first span on the calling thread, the others on
 * threads of their own.  The caller then joins what the contexts collected,
 * in span order.
 *
 * A line end is a record boundary only when it is not inside a quoted field
 * (movie titles may hold line breaks).  The parser of the span before a cut
 * tells, by ending that span outside any record, so a wrong cut is detected
 * and reported, never misread; the caller then reads the file with one
 * parser instead.  The same goes for bad data: a sequential reading names
 * the first bad line exactly, which a span that starts in the middle of the
 * file cannot. */
#ifndef RS_RATINGFILE_PAR_H
#define RS_RATINGFILE_PAR_H
#include <stddef.h>
#include <sys/types.h>

typedef struct rs_csvpar {
    int fd;                     /* a regular file, read with pread() only */
    unsigned char options;      /* csv_init options; CSV_STRICT | CSV_STRICT_FINI
                                 * make a cut inside quotes detectable */
    unsigned char delim;
    void (*field)(void *s, size_t n, void *ctx);   /* libcsv's callbacks */
    void (*row)(int c, void *ctx);
    /* Nonzero once ctx has rejected something: its span stops there. */
    int (*failed)(void *ctx);
    /* Called on the calling thread after each buffer of its own span, for
     * progress (may be NULL). */
    void (*tick)(void *ctx);
    /* Nonzero: no quote character (canonical TSV); a NUL byte then fails
     * the span, as it does everywhere in text. */
    int no_quotes;
    /* Nonzero: a field buffered past this many bytes fails its span. */
    size_t max_field;
} rs_csvpar;

/* The offset just past the first '\n' at or after at, or to if there is
 * none before to; -1 on a read error. */
off_t rs_csvpar_line_end(int fd, off_t at, off_t to);

/* Cut [from, to) into at most n spans of about equal size, none smaller
 * than min bytes, each starting just after a '\n' (or at from).  Fills
 * cuts[0] = from < cuts[1] < ... < cuts[k] = to (cuts has room for n + 1)
 * and returns k >= 1, or -1 on a read error. */
int rs_csvpar_cut(int fd, off_t from, off_t to, int n, off_t min, off_t *cuts);

/* Parse span k = [cuts[k], cuts[k + 1]) with ctx[k], for k < nspans, all at
 * once.  With at_end the last span ends the input (csv_fini then delivers
 * a last line that has no line end); otherwise it too must end at a record
 * boundary.  0 when every span was parsed to its end, no callback failed
 * and every cut was a record boundary; -1 otherwise (including read errors:
 * the sequential reading reports those). */
int rs_csvpar_run(const rs_csvpar *cfg, int nspans, const off_t *cuts, void *const *ctx,
                  int at_end);

#endif
