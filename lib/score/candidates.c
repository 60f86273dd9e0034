/* candidates.c: rs-recommend --candidates (candidates.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/io.h"
#include "score/candidates.h"

unsigned char *rs_candidates_read(const char *path, const rs_idmap *items, uint64_t *unknown,
                                  char *first_unknown, size_t size, rs_err *e)
{
    *unknown = 0;
    if (size) first_unknown[0] = '\0';
    rs_in *in = rs_in_open(path, e);
    if (!in) return NULL;
    uint32_t n = rs_idmap_size(items);
    unsigned char *allow = rs_xcalloc((size_t)n + 1, 1);
    uint64_t known = 0;
    char *line;
    size_t len;
    int rc;
    while ((rc = rs_in_getline(in, &line, &len, e)) == 1) {
        const char *tab = memchr(line, '\t', len);
        size_t idlen = tab ? (size_t)(tab - line) : len;
        if (!idlen || line[0] == '#') continue;
        int64_t i = rs_idmap_find(items, line, idlen);
        if (i < 0) {
            if (!(*unknown)++ && size)
                snprintf(first_unknown, size, "%.*s", (int)(idlen < 64 ? idlen : 64), line);
            continue;
        }
        known += !allow[i];
        allow[i] = 1;
    }
    if (rc == 0 && !known)
        rc = rs_errf(e, RS_EDATA, "%s: no item of the model among the candidates%s",
                     rs_in_name(in), *unknown ? " (all unknown)" : " (the file is empty)");
    rs_in_close(in);
    if (rc < 0) {
        free(allow);
        return NULL;
    }
    return allow;
}
