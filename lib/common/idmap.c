#include <stdlib.h>
#include <string.h>
#include "common/idmap.h"

#define NUM_DIRECT (1u << 24)   /* decimal ids below this skip the hash table */

struct rs_idmap {
    uint32_t *num;          /* value -> id + 1 for canonical decimal ids, num_cap of
                             * them: grown to the largest value seen, so a map of
                             * a few small ids stays small (under ASan too) */
    size_t num_cap;
    char *arena;            /* strings, each NUL-terminated */
    size_t arena_len, arena_cap;
    uint64_t *off;          /* id -> offset in arena */
    uint32_t *len, *hash;
    size_t n, cap;
    uint32_t *slot;         /* open addressing: id + 1, 0 = empty */
    size_t mask;
};

static uint32_t hash_bytes(const char *s, size_t n)
{
    /* FNV-1a folded through a final mix: ids are short, this is plenty. */
    uint64_t h = 1469598103934665603ULL;
    for (size_t k = 0; k < n; k++) h = (h ^ (unsigned char)s[k]) * 1099511628211ULL;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    return (uint32_t)(h ^ (h >> 32));
}

rs_idmap *rs_idmap_new(void)
{
    rs_idmap *m = rs_xcalloc(1, sizeof *m);
    m->mask = 1023;
    m->slot = rs_xcalloc(m->mask + 1, sizeof *m->slot);
    return m;
}

/* MovieLens ids are small decimal numbers: "1".."138493".  For those
 * (no sign, no leading zero) the value indexes a table directly, which is
 * several times cheaper than hashing and comparing on every row. */
static inline int64_t decimal(const char *s, size_t n)
{
    if (n == 0 || n > 8 || (unsigned)(s[0] - '1') > 8) return -1;
    uint32_t v = 0;
    for (size_t j = 0; j < n; j++) {
        unsigned d = (unsigned)(s[j] - '0');
        if (d > 9) return -1;
        v = v * 10 + d;
    }
    return v < NUM_DIRECT ? (int64_t)v : -1;
}

void rs_idmap_free(rs_idmap *m)
{
    if (!m) return;
    free(m->num);
    free(m->arena); free(m->off); free(m->len); free(m->hash); free(m->slot); free(m);
}

uint32_t rs_idmap_size(const rs_idmap *m) { return (uint32_t)m->n; }
const char *rs_idmap_str(const rs_idmap *m, uint32_t id) { return m->arena + m->off[id]; }
size_t rs_idmap_len(const rs_idmap *m, uint32_t id) { return m->len[id]; }

static size_t probe(const rs_idmap *m, const char *s, size_t n, uint32_t h)
{
    size_t i = h & m->mask;
    for (;;) {
        uint32_t v = m->slot[i];
        if (v == 0) return i;
        uint32_t id = v - 1;
        if (m->hash[id] == h && m->len[id] == n && memcmp(m->arena + m->off[id], s, n) == 0)
            return i;
        i = (i + 1) & m->mask;
    }
}

static void rehash(rs_idmap *m)
{
    free(m->slot);
    m->mask = m->mask * 2 + 1;
    m->slot = rs_xcalloc(m->mask + 1, sizeof *m->slot);
    for (size_t id = 0; id < m->n; id++) {
        size_t i = m->hash[id] & m->mask;
        while (m->slot[i]) i = (i + 1) & m->mask;
        m->slot[i] = (uint32_t)id + 1;
    }
}

int64_t rs_idmap_find(const rs_idmap *m, const char *s, size_t len)
{
    int64_t d = decimal(s, len);
    if (d >= 0) return (size_t)d < m->num_cap && m->num[d] ? (int64_t)m->num[d] - 1 : -1;
    uint32_t v = m->slot[probe(m, s, len, hash_bytes(s, len))];
    return v ? (int64_t)v - 1 : -1;
}

static uint32_t intern_hashed(rs_idmap *m, const char *s, size_t len);

uint32_t rs_idmap_intern(rs_idmap *m, const char *s, size_t len)
{
    int64_t v = decimal(s, len);
    if (v < 0) return intern_hashed(m, s, len);
    if ((size_t)v >= m->num_cap) {
        size_t c = m->num_cap ? m->num_cap : 1024;
        while (c <= (size_t)v) c *= 2;
        m->num = rs_xrealloc(m->num, c * sizeof *m->num);
        memset(m->num + m->num_cap, 0, (c - m->num_cap) * sizeof *m->num);
        m->num_cap = c;
    }
    if (!m->num[v]) m->num[v] = intern_hashed(m, s, len) + 1;
    return m->num[v] - 1;
}

static uint32_t intern_hashed(rs_idmap *m, const char *s, size_t len)
{
    uint32_t h = hash_bytes(s, len);
    size_t i = probe(m, s, len, h);
    if (m->slot[i]) return m->slot[i] - 1;
    if (m->n == m->cap) {
        size_t c = m->cap;
        rs_grow(&m->off, &c, m->n + 1, sizeof *m->off);
        c = m->cap; rs_grow(&m->len, &c, m->n + 1, sizeof *m->len);
        c = m->cap; rs_grow(&m->hash, &c, m->n + 1, sizeof *m->hash);
        m->cap = c;
    }
    rs_grow(&m->arena, &m->arena_cap, m->arena_len + len + 1, 1);
    memcpy(m->arena + m->arena_len, s, len);
    m->arena[m->arena_len + len] = '\0';
    uint32_t id = (uint32_t)m->n++;
    m->off[id] = m->arena_len;
    m->len[id] = (uint32_t)len;
    m->hash[id] = h;
    m->arena_len += len + 1;
    m->slot[i] = id + 1;
    if (m->n * 2 > m->mask) rehash(m);   /* keep load under 1/2 */
    return id;
}

const char *rs_idmap_arena(const rs_idmap *m, size_t *bytes)
{
    *bytes = m->arena_len;
    return m->arena;
}

int64_t *rs_idmap_find_all(const rs_idmap *m, const rs_idmap *from)
{
    uint32_t n = rs_idmap_size(from);
    int64_t *map = rs_xmalloc(((size_t)n + 1) * sizeof *map);
    for (uint32_t k = 0; k < n; k++)
        map[k] = rs_idmap_find(m, rs_idmap_str(from, k), rs_idmap_len(from, k));
    return map;
}

uint32_t *rs_idmap_intern_all(rs_idmap *m, const rs_idmap *from)
{
    uint32_t n = rs_idmap_size(from);
    uint32_t *map = rs_xmalloc(((size_t)n + 1) * sizeof *map);
    for (uint32_t k = 0; k < n; k++)
        map[k] = rs_idmap_intern(m, rs_idmap_str(from, k), rs_idmap_len(from, k));
    return map;
}
