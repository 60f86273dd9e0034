/* err.h: error values that library code returns instead of printing.
 *
 * Library functions never print and never exit: they fill an rs_err and
 * return -1 (or NULL).  Only programs in cmd/ report and exit, so that a
 * program can remove its half-written output before it goes.  The only
 * exception is running out of memory, which rs_xmalloc reports and exits on:
 * no caller could do anything better. */
#ifndef RS_ERR_H
#define RS_ERR_H
#include <stddef.h>

enum { RS_OK = 0, RS_EDATA = 1, RS_EUSAGE = 2 };   /* doubles as exit status */

typedef struct rs_err {
    int code;           /* RS_EDATA (bad data, I/O) or RS_EUSAGE (bad options) */
    char msg[1024];
} rs_err;

/* Fill e (printf-style) and return -1, so `return rs_errf(e, ...)` reads well. */
int rs_errf(rs_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The running program's short name, as used in every diagnostic. */
const char *rs_prog(void);

/* "prog: msg" on stderr. */
void rs_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* For main(): print "prog: msg" and exit with status. */
_Noreturn void rs_die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* For main(): print e and exit with its code. */
_Noreturn void rs_die_err(const rs_err *e);

void *rs_xmalloc(size_t n);
void *rs_xcalloc(size_t n, size_t size);
void *rs_xrealloc(void *p, size_t n);
/* Grow *p (holding *cap elements of size sz) so it holds at least need. */
void rs_grow(void *pp, size_t *cap, size_t need, size_t sz);
char *rs_xstrdup(const char *s);

#endif
