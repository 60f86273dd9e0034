/* idmap.h: opaque id tokens <-> dense indices 0..n-1 in first-seen order.
 *
 * Strings live in one growing arena; the hash table holds indices only, so
 * 20 million lookups of short ids cost no allocation each. */
#ifndef RS_IDMAP_H
#define RS_IDMAP_H
#include <stddef.h>
#include <stdint.h>
#include "common/err.h"

typedef struct rs_idmap rs_idmap;

rs_idmap *rs_idmap_new(void);
void rs_idmap_free(rs_idmap *m);
uint32_t rs_idmap_size(const rs_idmap *m);
/* The index of s (len bytes), adding it if new. */
uint32_t rs_idmap_intern(rs_idmap *m, const char *s, size_t len);
/* The index of s, or -1. */
int64_t rs_idmap_find(const rs_idmap *m, const char *s, size_t len);
/* Where the ids of another map sit in m: for each id of from, in from's
 * index order, its index in m.  A new array of max(1, size of from) entries,
 * for free().  find_all leaves m alone and gives -1 for an id m lacks;
 * intern_all adds such ids to m, so every entry is an index. */
int64_t *rs_idmap_find_all(const rs_idmap *m, const rs_idmap *from);
uint32_t *rs_idmap_intern_all(rs_idmap *m, const rs_idmap *from);
const char *rs_idmap_str(const rs_idmap *m, uint32_t id);
size_t rs_idmap_len(const rs_idmap *m, uint32_t id);
/* All ids as NUL-terminated strings in index order (*bytes long): the wire
 * form of an id map block. */
const char *rs_idmap_arena(const rs_idmap *m, size_t *bytes);

#endif
