/* idmap_block.h: id maps stored in a bundle as RS_STR blocks, one id a
 * string in index order (the "users" and "items" blocks of man/rs-format.5). */
#ifndef RS_IDMAP_BLOCK_H
#define RS_IDMAP_BLOCK_H
#include "common/idmap.h"
#include "format/bundle.h"

/* Store as / rebuild from an RS_STR block (e.g. "users", "items"). */
void rs_idmap_put(const rs_idmap *m, rs_bundle *b, const char *name);
rs_idmap *rs_idmap_get(const rs_bundle *b, const char *name, rs_err *e);

#endif
