/* ratingfile_par.h: the bytes of one rating file in big blocks, and a block
 * cut at line ends into pieces that threads parse at once.
 *
 * A source hands out the unread bytes of an input a block at a time: a
 * window of the file mapped into memory when the input is an uncompressed
 * regular file (named, or on stdin redirected from one), otherwise bytes
 * read from the stream (pipes, zstd) into a buffer of its own.  The reader
 * says how much of each block it used; the rest (an unfinished last line)
 * starts the next block.  Nothing is copied per line or per field.
 *
 * Whether a line end is a record boundary (it is not inside a quoted
 * field) is the parser's business: ratingfile.c parses the pieces of a
 * block in parallel and checks afterwards that each piece ended outside any
 * record, or parses the block again in one thread. */
#ifndef RS_RATINGFILE_PAR_H
#define RS_RATINGFILE_PAR_H
#include <stddef.h>
#include "common/err.h"
#include "common/io.h"

typedef struct rs_csvsrc rs_csvsrc;

/* A source over what is left of in (after what was peeked for sniffing:
 * rs_in_peek consumes nothing).  block: the bytes a block holds, normally.
 * in must stay open while the source is used. */
rs_csvsrc *rs_csvsrc_open(rs_in *in, size_t block);
void rs_csvsrc_close(rs_csvsrc *s);
/* The bytes left when that is known (a regular file), else 0. */
size_t rs_csvsrc_left(const rs_csvsrc *s);
/* The next block: *buf, *n (at least one byte unless the input is over)
 * and *at_end (nothing follows these bytes).  A block after one of which
 * nothing was used is twice as big, so a line longer than a block still
 * fits.  0, or -1 with e filled (a read error). */
int rs_csvsrc_next(rs_csvsrc *s, const char **buf, size_t *n, int *at_end, rs_err *e);
/* used bytes of the last block are done; the rest comes again. */
void rs_csvsrc_used(rs_csvsrc *s, size_t used);

/* Cut buf[0, n) into at most pieces pieces of about equal size, none
 * smaller than min bytes, each ending just after a '\n'.  Fills
 * cuts[0] = 0 < cuts[1] < ... < cuts[k] (room for pieces + 1), cuts[k]
 * being just after the last '\n' of buf; returns k, 0 when buf has no
 * '\n'. */
int rs_csvpar_cut(const char *buf, size_t n, int pieces, size_t min, size_t *cuts);

#endif
