/* titles.h: item titles to show beside recommendations (rs-recommend --items).
 *
 * Reads MovieLens movies.csv (movieId,title,genres; CSV with quoted titles,
 * parsed with libcsv), ml-100k u.item (id|title|...; Latin-1), ml-1m
 * movies.dat (id::title::genres) or TSV (id<TAB>title), told apart by the
 * first separator on the first line.  A title that is not valid UTF-8 is
 * taken as Latin-1 and converted; tabs and line breaks become spaces so a
 * title is always one TSV field.  Rows whose id the model lacks (including
 * a header row) are ignored. */
#ifndef RS_TITLES_H
#define RS_TITLES_H
#include <stdint.h>
#include "common/err.h"
#include "common/idmap.h"

/* Titles by the model's item index (rs_idmap_size(items) entries, NULL
 * where the file has none), or NULL on error.  *matched counts the items
 * that got a title. */
char **rs_titles_read(const char *path, const rs_idmap *items, uint32_t *matched, rs_err *e);
void rs_titles_free(char **titles, uint32_t n);

/* s[0..n) as UTF-8: kept if valid, else read as Latin-1.  malloc'd. */
char *rs_to_utf8(const char *s, size_t n);

#endif
