#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/err.h"

int rs_errf(rs_err *e, int code, const char *fmt, ...)
{
    if (!e) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->code = code;
    return -1;
}

const char *rs_prog(void)
{
    /* glibc sets this from argv[0]; it is libc's state, not ours. */
    return program_invocation_short_name;
}

static void vwarn(const char *fmt, va_list ap)
{
    char buf[2048];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fprintf(stderr, "%s: %s\n", rs_prog(), buf);
}

void rs_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarn(fmt, ap);
    va_end(ap);
}

void rs_die(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarn(fmt, ap);
    va_end(ap);
    exit(status);
}

void rs_die_err(const rs_err *e)
{
    fprintf(stderr, "%s: %s\n", rs_prog(), e->msg);
    exit(e->code ? e->code : 1);
}

static void *oom(size_t n)
{
    fprintf(stderr, "%s: out of memory (asked for %zu bytes)\n", rs_prog(), n);
    exit(1);
}

void *rs_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    return p ? p : oom(n);
}

void *rs_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    return p ? p : oom(n * size);
}

void *rs_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    return q ? q : oom(n);
}

void rs_grow(void *pp, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap) return;
    size_t c = *cap ? *cap : 16;
    while (c < need) c += c / 2 + 16;
    *(void **)pp = rs_xrealloc(*(void **)pp, c * sz);
    *cap = c;
}

char *rs_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(rs_xmalloc(n), s, n);
}
