/* dump.h: any rs bundle as readable text (rs-index --decode).
 *
 * The inverse of rs-index for a matrix (canonical TSV back, in CSR order:
 * users in first-seen order, each user's interactions in input order), a
 * listing of the blocks and meta entries, and a dump of any single block,
 * labelled with ids where an id map fits its rows.  Output goes to f;
 * writing stops early once f has failed (e.g. the reader left), and the
 * caller learns of that from ferror(f) or rs_out_close. */
#ifndef RS_DUMP_H
#define RS_DUMP_H
#include <stdio.h>
#include "format/bundle.h"

/* The interactions of b's matrix as canonical TSV (user, item, then rating
 * and timestamp as far as meta "columns" says the input had them). */
int rs_dump_matrix(FILE *f, const rs_bundle *b, rs_err *e);

/* One line per block (name, dtype, rows, cols, bytes, stored bytes,
 * compression), then the meta entries; both parts under a '#' header. */
void rs_dump_list(FILE *f, const rs_bundle *b);

/* The block called name: numeric blocks one row a line with tab-separated
 * columns (floats in the shortest form that reads back exactly), strings
 * one a line.  With ids, rows of a block that belongs to users or items
 * (see rs_dump_rows_map) start with the id and a tab. */
int rs_dump_block(FILE *f, const rs_bundle *b, const char *name, int ids, rs_err *e);

/* The id map block ("users" or "items") that labels blk's rows, or NULL:
 * the name says whose rows they are (user_*, item_*, w2v_*) and the map
 * has exactly as many entries as blk has rows. */
const char *rs_dump_rows_map(const rs_bundle *b, const rs_block *blk);

/* "u32", "f32", "str", ... ("?" for an unknown code). */
const char *rs_dump_dtype_name(int dtype);

#endif
