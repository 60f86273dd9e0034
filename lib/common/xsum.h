/* xsum.h: sums whose value does not depend on the order of the terms, so
 * sums taken over shards of the data and then added are the sum taken over
 * all of it, bit for bit.
 *
 * Each term is rounded once to a multiple of 2^-64 (to nearest) and added
 * as a 128-bit integer, which is exact and associative.  Terms must lie in
 * (-2^62, 2^62); the rounding costs at most 2^-65 a term (1e-10 after a
 * billion terms), far below the 6 decimals that reports print.  Written
 * as text by rs_xsum_fmt ("hi:lo", the two's complement halves in hex). */
#ifndef RS_XSUM_H
#define RS_XSUM_H
#include <stdint.h>

typedef struct rs_xsum { __int128 v; } rs_xsum;

void rs_xsum_add(rs_xsum *s, double x);
void rs_xsum_merge(rs_xsum *s, const rs_xsum *t);
double rs_xsum_value(const rs_xsum *s);

#define RS_XSUM_BUF 40
void rs_xsum_fmt(char buf[RS_XSUM_BUF], const rs_xsum *s);
/* Parse rs_xsum_fmt's text; -1 if it is not that. */
int rs_xsum_parse(const char *text, rs_xsum *s);

#endif
