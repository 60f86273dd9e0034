/* Unit tests of lib/common/idmap: dense ids in first-seen order through rehashes. */
#include "tap.h"
#include "common/idmap.h"

int main(void)
{
    tap t = {0};
    rs_idmap *m = rs_idmap_new();
    char buf[32];
    int good = 1;
    for (int k = 0; k < 100000; k++) {
        int n = sprintf(buf, "id-%d", k * 7);
        if (rs_idmap_intern(m, buf, (size_t)n) != (uint32_t)k) good = 0;
    }
    OK(&t, good && rs_idmap_size(m) == 100000, "100000 ids in first-seen order");
    good = 1;
    for (int k = 0; k < 100000; k += 37) {
        int n = sprintf(buf, "id-%d", k * 7);
        if (rs_idmap_find(m, buf, (size_t)n) != k || rs_idmap_intern(m, buf, (size_t)n) != (uint32_t)k)
            good = 0;
        if (strcmp(rs_idmap_str(m, (uint32_t)k), buf) != 0) good = 0;
    }
    OK(&t, good, "find, re-intern and str agree");
    OK(&t, rs_idmap_find(m, "id-1", 4) == -1, "absent id not found");
    OK(&t, rs_idmap_find(m, "id-7x", 4) == 1, "length respected (prefix of a longer buffer)");
    /* Ids are opaque: empty-looking, unicode, spaces. */
    uint32_t a = rs_idmap_intern(m, "日本 語", strlen("日本 語"));
    OK(&t, rs_idmap_find(m, "日本 語", strlen("日本 語")) == a, "unicode id");
    rs_idmap_free(m);

    /* One map's ids in another: found or -1, or added. */
    rs_idmap *x = rs_idmap_new(), *y = rs_idmap_new();
    rs_idmap_intern(x, "b", 1); rs_idmap_intern(x, "a", 1);
    rs_idmap_intern(y, "a", 1); rs_idmap_intern(y, "c", 1); rs_idmap_intern(y, "b", 1);
    int64_t *f = rs_idmap_find_all(x, y);
    OK(&t, f[0] == 1 && f[1] == -1 && f[2] == 0 && rs_idmap_size(x) == 2,
       "find_all: index or -1, map unchanged");
    uint32_t *in = rs_idmap_intern_all(x, y);
    OK(&t, in[0] == 1 && in[1] == 2 && in[2] == 0 && rs_idmap_size(x) == 3,
       "intern_all: missing ids added");
    free(f); free(in);
    rs_idmap_free(x); rs_idmap_free(y);
    return tap_done(&t);
}
