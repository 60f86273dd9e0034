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
    return tap_done(&t);
}
