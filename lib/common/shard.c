#include <errno.h>
#include <stdlib.h>
#include "common/shard.h"

uint64_t rs_fnv1a64(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t k = 0; k < len; k++) {
        h ^= (unsigned char)s[k];
        h *= 1099511628211ULL;
    }
    return h;
}

static int parse_u64(const char *s, char stop, uint64_t *out, const char **end)
{
    if (*s < '0' || *s > '9') return -1;
    errno = 0;
    char *p;
    unsigned long long v = strtoull(s, &p, 10);
    if (errno || *p != stop) return -1;
    *out = v;
    *end = p;
    return 0;
}

int rs_shard_parse(rs_shard *sh, const char *opt, const char *arg, rs_err *e)
{
    uint64_t i, n;
    const char *p;
    if (parse_u64(arg, '/', &i, &p) < 0 || parse_u64(p + 1, '\0', &n, &p) < 0 || n < 1
        || i < 1 || i > n)
        return rs_errf(e, RS_EUSAGE, "%s: '%s' is not I/N with 1 <= I <= N", opt, arg);
    sh->i = i - 1;
    sh->n = n;
    return 0;
}
