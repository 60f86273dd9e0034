/* candidates.h: the items a list may hold (rs-recommend --candidates): a
 * file of item ids, one a line (the first TAB-separated field; empty lines
 * and lines starting with # are skipped), as flags over a model's items. */
#ifndef RS_CANDIDATES_H
#define RS_CANDIDATES_H
#include <stdint.h>
#include "common/err.h"
#include "common/idmap.h"

/* allow[0..nitems) (malloc'd): 1 for the items of path that items knows.
 * The ids it does not know are counted in *unknown (first one in
 * first_unknown, up to size bytes).  -1 with e filled when path cannot be
 * read or names no item of the model. */
unsigned char *rs_candidates_read(const char *path, const rs_idmap *items, uint64_t *unknown,
                                  char *first_unknown, size_t size, rs_err *e);

#endif
