#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "common/err.h"
#include "common/progress.h"

double rs_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void rs_progress_start(rs_progress *p, const char *what)
{
    p->on = isatty(STDERR_FILENO);
    p->t0 = p->last = rs_now();
    snprintf(p->what, sizeof p->what, "%s", what);
}

void rs_progress_update(rs_progress *p, uint64_t done, uint64_t total, const char *extra)
{
    if (!p->on) return;
    double now = rs_now();
    if (now - p->last < 0.25) return;
    p->last = now;
    if (total)
        fprintf(stderr, "\r%s: %s %llu/%llu (%.0f%%) %s\033[K", rs_prog(), p->what,
                (unsigned long long)done, (unsigned long long)total, 100.0 * done / total,
                extra ? extra : "");
    else
        fprintf(stderr, "\r%s: %s %llu %s\033[K", rs_prog(), p->what,
                (unsigned long long)done, extra ? extra : "");
}

void rs_progress_end(rs_progress *p)
{
    if (p->on && p->last > p->t0) fprintf(stderr, "\r\033[K");
    p->on = 0;
}
