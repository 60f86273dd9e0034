/* progress.h: progress lines on stderr, only when stderr is a terminal,
 * at most a few times a second. */
#ifndef RS_PROGRESS_H
#define RS_PROGRESS_H
#include <stdint.h>

typedef struct rs_progress {
    int on;
    double t0, last;
    char what[64];
} rs_progress;

void rs_progress_start(rs_progress *p, const char *what);
/* Shows "prog: what: done/total (pct) extra". Cheap when not due. */
void rs_progress_update(rs_progress *p, uint64_t done, uint64_t total, const char *extra);
void rs_progress_end(rs_progress *p);
double rs_now(void);      /* monotonic seconds */

#endif
