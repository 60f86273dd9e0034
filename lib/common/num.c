#include <float.h>
#include <stdint.h>
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

/* Ratings are "4", "3.5": d and d.d, read by the same exact division as
 * rs_num_f64's general path, without its scan.  1 when s is one. */
static inline int rating_like(const char *s, size_t n, double *out)
{
    unsigned d0 = (unsigned)(s[0] - '0');
    if (n == 1 && d0 <= 9) { *out = d0; return 1; }
    if (n == 3 && d0 <= 9 && s[1] == '.' && (unsigned)(s[2] - '0') <= 9) {
        *out = (double)(d0 * 10 + (unsigned)(s[2] - '0')) / 10.0;
        return 1;
    }
    return 0;
}

int rs_num_f64(const char *s, size_t n, double *out, const char **why)
{
    uint64_t m = 0;
    int frac = 0, neg = 0;
    if (n == 0) { *why = "empty"; return -1; }
    if (rating_like(s, n, out)) return 0;
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
    if (n && rating_like(s, n, out)) return 0;     /* far inside a float's range */
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
    if (n <= 18) {      /* 18 digits cannot overflow: no check per digit */
        uint64_t u = 0;
        for (; p < end; p++) {
            unsigned d = (unsigned)(*p - '0');
            if (d > 9) { *why = "not an integer"; return -1; }
            u = u * 10 + d;
        }
        *out = neg ? -(int64_t)u : (int64_t)u;
        return 0;
    }
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

size_t rs_num_fmt_u64(char *buf, uint64_t v)
{
    char b[24];
    size_t k = 0, len;
    do b[k++] = (char)('0' + v % 10); while (v /= 10);
    len = k;
    while (k) *buf++ = b[--k];
    *buf = '\0';
    return len;
}

size_t rs_num_fmt_i64(char *buf, int64_t v)
{
    if (v >= 0) return rs_num_fmt_u64(buf, (uint64_t)v);
    *buf = '-';
    return 1 + rs_num_fmt_u64(buf + 1, -(uint64_t)v);
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
    p += rs_num_fmt_u64(p, (uint64_t)(w / 2));
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

/* Exact decimal for the floats scores are made of, in integers: a normal
 * float is m * 2^e, which for -38 <= e <= 40 is N / 10^s exactly, N below
 * 2^117.  Rounding N to p digits (ties to even, as glibc's printf) and
 * testing that the result lies inside v's rounding interval (as strtof
 * would decide) gives the very text of snprintf "%.pg" and of the strtof
 * test below, without either: they were a fifth of rs-recommend's time. */
typedef unsigned __int128 u128;

typedef struct f32dec {
    u128 N, U;                  /* v = N / 10^s; v's spacing U / 10^s */
    int s, low_half;            /* low_half: the float below is U / 2 away */
    uint32_t m;
} f32dec;

#define P19 ((u128)10000000000000000000u)
static const u128 p10[39] = {
    (u128)1, (u128)10u, (u128)100u, (u128)1000u,
    (u128)10000u, (u128)100000u, (u128)1000000u, (u128)10000000u,
    (u128)100000000u, (u128)1000000000u, (u128)10000000000u, (u128)100000000000u,
    (u128)1000000000000u, (u128)10000000000000u, (u128)100000000000000u, (u128)1000000000000000u,
    (u128)10000000000000000u, (u128)100000000000000000u, (u128)1000000000000000000u, (u128)10000000000000000000u,
    P19 * 10u, P19 * 100u, P19 * 1000u, P19 * 10000u,
    P19 * 100000u, P19 * 1000000u, P19 * 10000000u, P19 * 100000000u,
    P19 * 1000000000u, P19 * 10000000000u, P19 * 100000000000u, P19 * 1000000000000u,
    P19 * 10000000000000u, P19 * 100000000000000u, P19 * 1000000000000000u, P19 * 10000000000000000u,
    P19 * 100000000000000000u, P19 * 1000000000000000000u, P19 * 10000000000000000000u };
#undef P19

static u128 pow10_u128(int k) { return p10[k]; }

static int digits_u128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
    int bits = hi ? 128 - __builtin_clzll(hi) : 64 - __builtin_clzll(lo | 1);
    int t = bits * 1233 >> 12;                  /* log10(2^bits), or one more */
    return t + 1 - (x < p10[t]);
}

/* N rounded to p significant digits: D * 10^x, D of p digits (or fewer
 * when N has fewer). */
static u128 round_digits(u128 N, int p, int *x)
{
    int d = digits_u128(N);
    *x = 0;
    if (d <= p) return N;
    u128 q = pow10_u128(d - p), D = N / q, r = N % q;
    if (r > q / 2 || (r == q / 2 && (D & 1))) D++;
    *x = d - p;
    if (D == pow10_u128(p)) { D /= 10; ++*x; }
    return D;
}

/* Would strtof read D * 10^x (in v's units) back as v? */
static int reads_back(const f32dec *f, u128 D, int x)
{
    u128 C = D * pow10_u128(x);
    if (C >= f->N) {
        u128 d2 = 2 * (C - f->N);
        return d2 < f->U || (d2 == f->U && !(f->m & 1));
    }
    u128 d = f->N - C;
    if (f->low_half) return 4 * d <= f->U;     /* m = 2^23 is even: a tie reads back */
    return 2 * d < f->U || (2 * d == f->U && !(f->m & 1));
}

/* "%.pg" of D * 10^x / 10^s, D rounded to p digits (sign apart). */
static size_t put_g(char *buf, u128 D, int x, int s, int p)
{
    char dig[40];
    int nd = digits_u128(D);
    int X = nd - 1 + x - s;                     /* decimal exponent */
    uint64_t d64 = (uint64_t)D;                 /* at most 9 digits */
    for (int k = nd - 1; k >= 0; k--) { dig[k] = (char)('0' + (int)(d64 % 10)); d64 /= 10; }
    while (nd > 1 && dig[nd - 1] == '0') nd--;  /* %g drops trailing zeros */
    char *o = buf;
    if (X < -4 || X >= p) {
        *o++ = dig[0];
        if (nd > 1) { *o++ = '.'; memcpy(o, dig + 1, (size_t)nd - 1); o += nd - 1; }
        *o++ = 'e';
        *o++ = X < 0 ? '-' : '+';
        int a = X < 0 ? -X : X;
        if (a >= 100) *o++ = (char)('0' + a / 100);
        *o++ = (char)('0' + a / 10 % 10);
        *o++ = (char)('0' + a % 10);
    } else if (X >= 0) {
        for (int k = 0; k <= X; k++) *o++ = k < nd ? dig[k] : '0';
        if (nd > X + 1) { *o++ = '.'; memcpy(o, dig + X + 1, (size_t)(nd - X - 1)); o += nd - X - 1; }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int k = 0; k < -X - 1; k++) *o++ = '0';
        memcpy(o, dig, (size_t)nd);
        o += nd;
    }
    *o = '\0';
    return (size_t)(o - buf);
}

/* rs_num_fmt_f32's search, exactly; 0 for a float it leaves to printf. */
static size_t fmt_f32_exact(char *buf, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    int ex = (int)(bits >> 23 & 0xff), e = ex - 150;
    if (ex == 0 || ex == 255 || e < -38 || e > 40) return 0;   /* p10 has 10^38 */
    f32dec f = { .m = (bits & 0x7fffff) | 0x800000 };
    f.low_half = (bits & 0x7fffff) == 0 && ex > 1;
    if (e < 0) {
        f.s = -e;
        f.U = p10[f.s] >> f.s;                  /* 5^s */
    } else {
        f.U = (u128)1 << e;
    }
    f.N = (u128)f.m * f.U;
    char *o = buf;
    if (bits >> 31) *o++ = '-';
    int x, p = 8;
    u128 D = round_digits(f.N, 8, &x);
    if (!reads_back(&f, D, x)) {
        p = 9;
        D = round_digits(f.N, 9, &x);
    } else {
        for (int q = 7; q >= 6; q--) {
            int xq;
            u128 Dq = round_digits(f.N, q, &xq);
            if (!reads_back(&f, Dq, xq)) break;
            D = Dq; x = xq; p = q;
        }
    }
    return (size_t)(o - buf) + put_g(o, D, x, f.s, p);
}

/* A float reads back from 6 to 9 digits; most scores need 7 to 9, so
 * start in the middle. */
size_t rs_num_fmt_f32(char *buf, float v)
{
    size_t n = fmt_half(buf, v);
    if (n) return n;
    if (!isfinite(v)) return fmt_special(buf, v);
    if ((n = fmt_f32_exact(buf, v))) return n;
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
