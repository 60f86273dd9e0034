#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/num.h"

#define FAST_DIGITS 15      /* m < 10^15 and 10^frac are both exact doubles */

static const double pow10tab[FAST_DIGITS + 1] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };

/* Check the grammar [+-]digits[.digits][(e|E)[+-]digits] (at least one
 * digit before the exponent), and when the number has no exponent and at
 * most FAST_DIGITS digits, give its digits as an integer m and the count of
 * decimals: then m / 10^frac is one correctly rounded division of exact
 * numbers, bit-identical to strtod at a fraction of its cost.  Returns 1
 * for such a plain decimal, 0 for any other valid number, -1 for text that
 * is not one. */
static int scan(const char *s, size_t n, uint64_t *m, int *frac, int *neg)
{
    const char *p = s, *end = s + n;
    int nd = 0, nf = 0;
    uint64_t v = 0;
    *neg = p < end && *p == '-';
    if (p < end && (*p == '-' || *p == '+')) p++;
    for (; p < end && (unsigned)(*p - '0') <= 9; p++, nd++)
        if (nd < FAST_DIGITS + 1) v = v * 10 + (uint64_t)(*p - '0');
    if (p < end && *p == '.')
        for (p++; p < end && (unsigned)(*p - '0') <= 9; p++, nd++, nf++)
            if (nd < FAST_DIGITS + 1) v = v * 10 + (uint64_t)(*p - '0');
    if (nd == 0) return -1;
    if (p == end) {
        if (nd > FAST_DIGITS) return 0;
        *m = v;
        *frac = nf;
        return 1;
    }
    if (*p != 'e' && *p != 'E') return -1;
    p++;
    if (p < end && (*p == '-' || *p == '+')) p++;
    if (p == end) return -1;
    for (; p < end; p++)
        if ((unsigned)(*p - '0') > 9) return -1;
    return 0;
}

int rs_num_f64(const char *s, size_t n, double *out, const char **why)
{
    uint64_t m = 0;
    int frac = 0, neg = 0;
    if (n == 0) { *why = "empty"; return -1; }
    int kind = scan(s, n, &m, &frac, &neg);
    if (kind < 0) { *why = "not a number"; return -1; }
    if (kind == 1) {
        double v = (double)m / pow10tab[frac];
        *out = neg ? -v : v;
        return 0;
    }
    /* Valid decimal text, so strtod reads exactly it and nothing else. */
    char small[128], *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf) { *why = "out of memory"; return -1; }
    memcpy(buf, s, n);
    buf[n] = '\0';
    double v = strtod(buf, NULL);
    if (buf != small) free(buf);
    /* ERANGE also flags underflow: a tiny value rounds to 0 or a subnormal,
     * which is the nearest double, not an error. */
    if (!isfinite(v)) { *why = "out of range"; return -1; }
    *out = v;
    return 0;
}

int rs_num_f32(const char *s, size_t n, double *out, const char **why)
{
    double v;
    if (rs_num_f64(s, n, &v, why) < 0) return -1;
    /* Not |v| > FLT_MAX: "3.4028235e38", the float FLT_MAX's own shortest
     * text, is a little above it and still rounds to it. */
    if (isinf((float)v)) { *why = "out of range"; return -1; }
    *out = v;
    return 0;
}

int rs_num_i64(const char *s, size_t n, int64_t *out, const char **why)
{
    const char *p = s, *end = s + n;
    if (n == 0) { *why = "empty"; return -1; }
    int neg = *p == '-';
    if (*p == '-' || *p == '+') p++;
    if (p == end) { *why = "not an integer"; return -1; }
    /* Accumulate the magnitude negatively: -2^63 has no positive twin. */
    int64_t v = 0;
    int over = 0;
    for (; p < end; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (d > 9) { *why = "not an integer"; return -1; }
        if (v < (INT64_MIN + (int64_t)d) / 10) over = 1;
        else v = v * 10 - (int64_t)d;
    }
    if (over || (!neg && v == INT64_MIN)) { *why = "out of range for a 64-bit integer"; return -1; }
    *out = neg ? v : -v;
    return 0;
}

static size_t put_u64(char *p, uint64_t v)
{
    char b[24];
    size_t k = 0, len;
    do b[k++] = (char)('0' + v % 10); while (v /= 10);
    len = k;
    while (k) *p++ = b[--k];
    return len;
}

/* Whole and half numbers (nearly every rating) without printf; 0 if v is
 * not one. */
static size_t fmt_half(char *buf, double v)
{
    if (!(v > -1e15 && v < 1e15)) return 0;     /* range first: the cast is UB outside */
    double h = v * 2;
    int64_t w = (int64_t)h;
    if ((double)w != h) return 0;
    char *p = buf;
    if (signbit(v)) *p++ = '-';
    if (w < 0) w = -w;
    p += put_u64(p, (uint64_t)(w / 2));
    if (w & 1) { *p++ = '.'; *p++ = '5'; }
    *p = '\0';
    return (size_t)(p - buf);
}

static size_t fmt_special(char *buf, double v)
{
    const char *s = isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
    strcpy(buf, s);
    return strlen(s);
}

/* More digits never hurt the round trip (the nearest p-digit decimal is
 * also a (p+1)-digit one), so the first precision that reads back is the
 * shortest.  The nearest 15-digit decimal to a normal double is its
 * shortest text when that has at most 15 digits, so the search starts
 * there. */
size_t rs_num_fmt_f64(char *buf, double v)
{
    size_t n = fmt_half(buf, v);
    if (n) return n;
    if (!isfinite(v)) return fmt_special(buf, v);
    int len = 0;
    /* A subnormal has fewer bits, so it may read back from fewer digits. */
    for (int prec = fabs(v) < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
        len = snprintf(buf, RS_NUM_BUF, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    return (size_t)len;
}

/* A float reads back from 6 to 9 digits; most scores need 7 to 9, so
 * start in the middle. */
size_t rs_num_fmt_f32(char *buf, float v)
{
    size_t n = fmt_half(buf, v);
    if (n) return n;
    if (!isfinite(v)) return fmt_special(buf, v);
    if (fabsf(v) < FLT_MIN) {      /* subnormal: few digits may do */
        int len = 0;
        for (int prec = 1; prec <= 9; prec++) {
            len = snprintf(buf, RS_NUM_BUF, "%.*g", prec, (double)v);
            if (strtof(buf, NULL) == v) break;
        }
        return (size_t)len;
    }
    int len = snprintf(buf, RS_NUM_BUF, "%.8g", (double)v);
    if (strtof(buf, NULL) != v)
        return (size_t)snprintf(buf, RS_NUM_BUF, "%.9g", (double)v);
    char shorter[RS_NUM_BUF];
    for (int prec = 7; prec >= 6; prec--) {
        int l = snprintf(shorter, sizeof shorter, "%.*g", prec, (double)v);
        if (strtof(shorter, NULL) != v) break;
        memcpy(buf, shorter, (size_t)l + 1);
        len = l;
    }
    return (size_t)len;
}
