#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "err.h"

void rs_usage_error(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\nTry '%s --help' for more information.\n", rs_prog(), buf, rs_prog());
    exit(RS_EUSAGE);
}

double rs_opt_double(const char *opt, const char *arg, double lo, double hi)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (end == arg || *end || errno == ERANGE || !isfinite(v))
        rs_usage_error("%s: invalid number '%s'", opt, arg);
    if (v < lo || v > hi)
        rs_usage_error("%s: %s is out of range (%g to %g)", opt, arg, lo, hi);
    return v;
}

int64_t rs_opt_int(const char *opt, const char *arg, int64_t lo, int64_t hi)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (end == arg || *end)
        rs_usage_error("%s: invalid integer '%s'", opt, arg);
    if (errno == ERANGE || v < lo || v > hi)
        rs_usage_error("%s: %s is out of range (%lld to %lld)", opt, arg,
                       (long long)lo, (long long)hi);
    return v;
}

uint64_t rs_opt_seed(const char *opt, const char *arg)
{
    char *end;
    errno = 0;
    if (arg[0] == '-') rs_usage_error("%s: invalid seed '%s' (a non-negative integer)", opt, arg);
    unsigned long long v = strtoull(arg, &end, 10);
    if (end == arg || *end || errno == ERANGE)
        rs_usage_error("%s: invalid seed '%s' (a non-negative integer)", opt, arg);
    return v;
}

int rs_opt_int_list(const char *opt, const char *arg, int64_t lo, int64_t hi,
                    int64_t *out, int max)
{
    int n = 0;
    const char *p = arg;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char buf[32];
        if (len == 0 || len >= sizeof buf) rs_usage_error("%s: invalid list '%s'", opt, arg);
        memcpy(buf, p, len);
        buf[len] = '\0';
        if (n == max) rs_usage_error("%s: at most %d values", opt, max);
        out[n++] = rs_opt_int(opt, buf, lo, hi);
        if (!comma) break;
        p = comma + 1;
    }
    return n;
}

int rs_threads_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 1024 ? 1024 : (int)n;
}

int rs_opt_jobs(const char *arg)
{
    int j = (int)rs_opt_int("--jobs", arg, 0, 1024);
    return j ? j : rs_threads_default();
}

int rs_opt_zlevel(const char *arg)
{
    return arg ? (int)rs_opt_int("--compress", arg, 1, 19) : 3;
}

void rs_help(const char *text)
{
    fputs(text, stdout);
    exit(fflush(stdout) == 0 ? 0 : 1);
}

void rs_version(void)
{
    printf("%s (rs) 0.1.0\n", rs_prog());
    exit(0);
}
