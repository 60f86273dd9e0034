#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "common/xsum.h"

void rs_xsum_add(rs_xsum *s, double x)
{
    s->v += (__int128)nearbyint(ldexp(x, 64));
}

void rs_xsum_merge(rs_xsum *s, const rs_xsum *t) { s->v += t->v; }

double rs_xsum_value(const rs_xsum *s)
{
    /* Exact halves: the high one is an integer, the low one below 1. */
    int64_t hi = (int64_t)(s->v >> 64);
    uint64_t lo = (uint64_t)s->v;
    return (double)hi + ldexp((double)lo, -64);
}

void rs_xsum_fmt(char buf[RS_XSUM_BUF], const rs_xsum *s)
{
    snprintf(buf, RS_XSUM_BUF, "%016llx:%016llx", (unsigned long long)(s->v >> 64),
             (unsigned long long)(uint64_t)s->v);
}

int rs_xsum_parse(const char *text, rs_xsum *s)
{
    char *end;
    errno = 0;
    unsigned long long hi = strtoull(text, &end, 16);
    if (errno || end != text + 16 || *end != ':') return -1;
    const char *p = end + 1;
    unsigned long long lo = strtoull(p, &end, 16);
    if (errno || end != p + 16 || *end) return -1;
    s->v = (__int128)(((unsigned __int128)hi << 64) | lo);
    return 0;
}
