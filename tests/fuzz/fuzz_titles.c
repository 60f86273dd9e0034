/* fuzz_titles: item titles in any of the dialects prep/titles.h reads
 * (movies.csv, u.item, movies.dat, TSV).
 *
 * Besides not crashing: every title is valid UTF-8 and one TSV field (no
 * tab, no line break), whatever bytes the file held. */
#include "fuzz.h"
#include "prep/titles.h"

static int valid_utf8(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s, n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2
                                      : (c >> 3) == 30 ? 3 : 9;
        if (n == 9) return 0;
        for (unsigned k = 1; k <= n; k++)
            if ((s[k] & 0xc0) != 0x80) return 0;
        s += n + 1;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rs_idmap *items;
    if (!items) {
        /* Ids as in the seeds (MovieLens movie ids) and a few odd ones. */
        static const char *const odd[] = { "", "a b", "\"1\"", "x" };
        items = rs_idmap_new();
        char id[16];
        for (int k = 1; k <= 200; k++) {
            int n = snprintf(id, sizeof id, "%d", k);
            rs_idmap_intern(items, id, (size_t)n);
        }
        for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++)
            rs_idmap_intern(items, odd[k], strlen(odd[k]));
    }
    uint32_t n = rs_idmap_size(items), matched = 0, have = 0;
    rs_err e = { 0 };
    char **t = rs_titles_read(fuzz_file(data, size), items, &matched, &e);
    if (!t) {
        FUZZ_ASSERT(e.msg[0] && e.code == RS_EDATA);
        return 0;
    }
    for (uint32_t k = 0; k < n; k++) {
        if (!t[k]) continue;
        have++;
        FUZZ_ASSERT(valid_utf8((const unsigned char *)t[k]));
        FUZZ_ASSERT(!strpbrk(t[k], "\t\n\r"));
    }
    FUZZ_ASSERT(have == matched);
    rs_titles_free(t, n);
    return 0;
}
