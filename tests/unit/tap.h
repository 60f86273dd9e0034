/* tap.h: a minimal TAP producer for the C unit tests (run by prove). */
#ifndef RS_TAP_H
#define RS_TAP_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

typedef struct tap { int n, failed; } tap;

#define OK(t, cond, ...) tap_ok((t), !!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define NEAR(t, a, b, tol, ...) OK(t, fabs((double)(a) - (double)(b)) <= (tol), __VA_ARGS__)

static inline void tap_ok(tap *t, int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
#include <stdarg.h>
static inline void tap_ok(tap *t, int ok, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    t->n++;
    printf("%s %d - ", ok ? "ok" : "not ok", t->n);
    va_start(ap, fmt); vprintf(fmt, ap); va_end(ap);
    printf("\n");
    if (!ok) { t->failed++; printf("#   failed at %s:%d\n", file, line); }
    fflush(stdout);
}

static inline int tap_done(tap *t)
{
    printf("1..%d\n", t->n);
    return t->failed ? 1 : 0;
}
#endif
