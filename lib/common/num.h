/* num.h: numbers in text, both ways, one rule for every reader and writer.
 *
 * Reading is strict: plain decimal only ([+-]digits[.digits][e[+-]digits],
 * no spaces, no hex "0x10", no "nan"/"inf"), and a value that does not fit
 * the type it will be stored in is an error, never an infinity or a
 * wrapped integer.  Fields are length-delimited (s, n): no NUL needed.
 * Each parser returns 0, or -1 with a short reason in *why ("empty",
 * "not a number", "out of range", ...) for the caller's message, which
 * names the file, line and field.
 *
 * Writing gives the shortest decimal that reads back to the same value
 * ("4", "3.5", "0.1", "4.0000001", "1234567.3"), so everything rs writes
 * as text reads back exactly. */
#ifndef RS_NUM_H
#define RS_NUM_H
#include <stddef.h>
#include <stdint.h>

/* A finite double. */
int rs_num_f64(const char *s, size_t n, double *out, const char **why);
/* A value that fits a float (ratings, weights and scores are stored as
 * float): |x| rounds to at most FLT_MAX.  Kept as the double read, so its
 * digits are not lost where a double is kept. */
int rs_num_f32(const char *s, size_t n, double *out, const char **why);
/* A 64-bit integer in decimal (timestamps). */
int rs_num_i64(const char *s, size_t n, int64_t *out, const char **why);

#define RS_NUM_BUF 32       /* room for any text the formatters write */
/* Shortest text that reads back as v (strtod / strtof); NUL-terminated,
 * returns its length.  Negative zero is "-0"; non-finite values, which no
 * reader accepts, are "nan", "inf" and "-inf". */
size_t rs_num_fmt_f64(char *buf, double v);
size_t rs_num_fmt_f32(char *buf, float v);
/* v in decimal, NUL-terminated; returns its length (at most 20). */
size_t rs_num_fmt_u64(char *buf, uint64_t v);
size_t rs_num_fmt_i64(char *buf, int64_t v);

#endif
