/* Id maps as RS_STR blocks of a bundle (man/rs-format.5: "users", "items"). */
#include <string.h>
#include "format/idmap_block.h"

void rs_idmap_put(const rs_idmap *m, rs_bundle *b, const char *name)
{
    /* The arena is already the block's wire form: NUL-terminated strings in id order. */
    size_t bytes;
    const char *arena = rs_idmap_arena(m, &bytes);
    char *copy = rs_xmalloc(bytes ? bytes : 1);
    memcpy(copy, arena, bytes);
    rs_block *blk = rs_bundle_put(b, name, RS_STR, rs_idmap_size(m), 1, copy, 1);
    blk->size = bytes;
}

rs_idmap *rs_idmap_get(const rs_bundle *b, const char *name, rs_err *e)
{
    rs_block *blk = rs_bundle_need(b, name, RS_STR, 0, 0, e);
    if (!blk) return NULL;
    rs_idmap *m = rs_idmap_new();
    const char *p = blk->data, *end = p + blk->size;
    for (uint64_t k = 0; k < blk->rows; k++) {
        size_t n = strlen(p);
        if (rs_idmap_intern(m, p, n) != k) {
            rs_idmap_free(m);
            rs_errf(e, RS_EDATA, "block '%s': id '%s' appears twice", name, p);
            return NULL;
        }
        p += n + 1;
        if (p > end) break;
    }
    return m;
}
