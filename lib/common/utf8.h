/* utf8.h: the one UTF-8 validator of rs (RFC 3629: no overlong forms, no
 * surrogates U+D800..U+DFFF, nothing above U+10FFFF). */
#ifndef RS_UTF8_H
#define RS_UTF8_H
#include <stddef.h>

/* Length (1..4) of the valid UTF-8 sequence that starts at p, looking at
 * no more than n bytes; 0 when the bytes there are not one (n == 0, a stray
 * continuation byte, a truncated, overlong or surrogate sequence...). */
size_t rs_utf8_seq(const unsigned char *p, size_t n);

/* 1 when all n bytes at s are valid UTF-8, else 0. */
int rs_utf8_valid(const char *s, size_t n);

#endif
