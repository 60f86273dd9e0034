/* test_num.c: the strict number parsers and the shortest round-trip
 * printers of common/num.h. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "common/num.h"

static int f64_ok(const char *s, double want)
{
    double v;
    const char *why;
    return rs_num_f64(s, strlen(s), &v, &why) == 0 && v == want && signbit(v) == signbit(want);
}

static int f32_fails(const char *s, const char *reason)
{
    double v;
    const char *why = "";
    return rs_num_f32(s, strlen(s), &v, &why) < 0 && strcmp(why, reason) == 0;
}

static int i64_is(const char *s, int64_t want)
{
    int64_t v;
    const char *why;
    return rs_num_i64(s, strlen(s), &v, &why) == 0 && v == want;
}

static int i64_fails(const char *s, const char *reason)
{
    int64_t v;
    const char *why = "";
    return rs_num_i64(s, strlen(s), &v, &why) < 0 && strcmp(why, reason) == 0;
}

/* rs_num_fmt_f32's printf search as it was before the integer path: the
 * integer path must give the same text for every float. */
static void ref_f32(char *buf, float v)
{
    if (!isfinite(v) || v == 0 || fabsf(v) < FLT_MIN) { rs_num_fmt_f32(buf, v); return; }
    double h = (double)v * 2;
    if (v > -1e15f && v < 1e15f && (double)(int64_t)h == h) { rs_num_fmt_f32(buf, v); return; }
    int len = snprintf(buf, RS_NUM_BUF, "%.8g", (double)v);
    if (strtof(buf, NULL) != v) { snprintf(buf, RS_NUM_BUF, "%.9g", (double)v); return; }
    char shorter[RS_NUM_BUF];
    for (int prec = 7; prec >= 6; prec--) {
        int l = snprintf(shorter, sizeof shorter, "%.*g", prec, (double)v);
        if (strtof(shorter, NULL) != v) break;
        memcpy(buf, shorter, (size_t)l + 1);
        len = l;
    }
    (void)len;
}

static int same_as_ref(float v, int *shown)
{
    char a[RS_NUM_BUF], b[RS_NUM_BUF];
    rs_num_fmt_f32(a, v);
    ref_f32(b, v);
    if (strcmp(a, b) == 0) return 1;
    if ((*shown)++ < 5) printf("# f32 %.9g: %s, printf search %s\n", (double)v, a, b);
    return 0;
}

int main(void)
{
    tap t = {0};
    OK(&t, f64_ok("4", 4) && f64_ok("3.5", 3.5) && f64_ok("+2", 2) && f64_ok("-0", -0.0) &&
       f64_ok(".5", 0.5) && f64_ok("5.", 5), "plain decimals");
    OK(&t, f64_ok("0.30000000000000004", 0.30000000000000004) && f64_ok("1e-7", 1e-7) &&
       f64_ok("1E+3", 1000) && f64_ok("4.0000001", 4.0000001), "long decimals and exponents exact");
    OK(&t, f64_ok("1e-400", 0), "underflow rounds to zero, as the nearest double");
    static const char *const bad[] = { "0x10", "nan", "NaN", "inf", "-Infinity", " 4", "4 ",
                                       "1e", "e5", ".", "-", "4,5", "1.2.3", "1e5.5", "0x1p3" };
    int rejected = 1;
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        rejected &= f32_fails(bad[k], "not a number");
    OK(&t, rejected, "hex, nan, inf, spaces and broken forms are not numbers");
    OK(&t, f32_fails("", "empty"), "empty");
    OK(&t, f32_fails("1e39", "out of range") && f32_fails("-1e308", "out of range") &&
       f32_fails("1e999", "out of range"), "beyond a float: out of range");
    double v;
    const char *why;
    OK(&t, rs_num_f32("3.4028235e38", 12, &v, &why) == 0 && (float)v == FLT_MAX,
       "FLT_MAX's own shortest text is in range");
    OK(&t, rs_num_f64("1e308", 5, &v, &why) == 0 && v == 1e308, "a double holds 1e308");
    OK(&t, i64_is("0", 0) && i64_is("-5", -5) && i64_is("9223372036854775807", INT64_MAX) &&
       i64_is("-9223372036854775808", INT64_MIN), "int64 limits");
    OK(&t, i64_fails("9223372036854775808", "out of range for a 64-bit integer") &&
       i64_fails("-99999999999999999999", "out of range for a 64-bit integer"), "int64 overflow");
    OK(&t, i64_fails("1e3", "not an integer") && i64_fails("0x10", "not an integer") &&
       i64_fails("-", "not an integer") && i64_fails("99999999999999999999x", "not an integer"),
       "not integers");

    /* Printing: shortest, and read back to the same value. */
    char buf[RS_NUM_BUF];
    static const double d[] = { 4, 3.5, -0.5, 0.1, 4.0000001, 1234567.3, 1e-7, -0.0,
                                3.4028235e38, 1e308, 0.30000000000000004, 5e-324, 123456789012345678.0 };
    static const char *const dtext[] = { "4", "3.5", "-0.5", "0.1", "4.0000001", "1234567.3",
                                         "1e-07", "-0", "3.4028235e+38", "1e+308",
                                         "0.30000000000000004", "5e-324",
                                         "1.2345678901234568e+17" };
    int same = 1, back = 1;
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++) {
        rs_num_fmt_f64(buf, d[k]);
        same &= strcmp(buf, dtext[k]) == 0;
        if (strcmp(buf, dtext[k])) printf("# f64 %s, want %s\n", buf, dtext[k]);
        double r;
        back &= rs_num_f64(buf, strlen(buf), &r, &why) == 0 && r == d[k] &&
                signbit(r) == signbit(d[k]);
    }
    OK(&t, same, "doubles in the fewest digits");
    OK(&t, back, "doubles read back exactly by the strict parser");
    static const float f[] = { 4, 0.5f, 0.1f, 4.0000005f, 1234567.25f, 1e-7f, FLT_MAX,
                               0.49999997f, 2.0f / 3, 1e-45f };
    static const char *const ftext[] = { "4", "0.5", "0.1", "4.0000005", "1234567.2", "1e-07",
                                         "3.4028235e+38", "0.49999997", "0.6666667", "1e-45" };
    same = 1, back = 1;
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
        rs_num_fmt_f32(buf, f[k]);
        same &= strcmp(buf, ftext[k]) == 0;
        if (strcmp(buf, ftext[k])) printf("# f32 %s, want %s\n", buf, ftext[k]);
        back &= strtof(buf, NULL) == f[k];
    }
    OK(&t, same, "floats in the fewest digits");
    OK(&t, back, "floats read back exactly");
    /* Random floats and doubles: always read back, never longer than needed. */
    srand(7);
    int ok32 = 1, ok64 = 1;
    for (int k = 0; k < 20000; k++) {
        uint32_t bits = (uint32_t)rand() << 16 ^ (uint32_t)rand();
        float x;
        memcpy(&x, &bits, 4);
        if (!isfinite(x)) continue;
        rs_num_fmt_f32(buf, x);
        ok32 &= strtof(buf, NULL) == x;
        double y = (double)rand() / RAND_MAX * pow(10, rand() % 40 - 20);
        rs_num_fmt_f64(buf, y);
        ok64 &= strtod(buf, NULL) == y;
    }
    OK(&t, ok32 && ok64, "20000 random floats and doubles read back");
    /* Dyadic fractions hit exact ties at every precision; random bits and
     * every exponent the integer path takes cover the rest. */
    int shown = 0, same32 = 1;
    for (uint32_t k = 1; k < (1u << 14); k += 3)
        for (int j = 0; j <= 40; j++) {
            float x = ldexpf((float)k, -j);
            same32 &= same_as_ref(x, &shown) & same_as_ref(-x, &shown);
            same32 &= same_as_ref(ldexpf((float)k * 1021, j), &shown);
        }
    for (int k = 0; k < 300000; k++) {
        uint32_t bits = (uint32_t)rand() << 16 ^ (uint32_t)rand();
        float x;
        memcpy(&x, &bits, 4);
        same32 &= same_as_ref(x, &shown);
        x = ldexpf(1.0f + (float)(bits & 0xffff) / 65536, (int)(bits >> 16) % 40 - 20);
        same32 &= same_as_ref(x, &shown);
    }
    for (int ex = 1; ex < 255; ex++) {      /* binade edges: the lower spacing halves */
        uint32_t b[3] = { (uint32_t)ex << 23, ((uint32_t)ex << 23) | 1, ((uint32_t)ex << 23) - 1 };
        for (int q = 0; q < 3; q++) {
            float x;
            memcpy(&x, &b[q], 4);
            same32 &= same_as_ref(x, &shown);
        }
    }
    OK(&t, same32, "floats: the integer path writes what the printf search wrote");

    /* "d" and "d.d" (nearly every rating) take a short path: strtod's
     * double exactly, and the same through rs_num_f32; "-4.5", "4.50",
     * "4." and ".5" take the general path. */
    int same_short = 1;
    for (int a = 0; a <= 9; a++)
        for (int b = -1; b <= 9; b++) {
            char txt[8];
            int len = b < 0 ? snprintf(txt, sizeof txt, "%d", a) : snprintf(txt, sizeof txt, "%d.%d", a, b);
            double x = -1, y = -1;
            const char *reason;
            same_short &= rs_num_f64(txt, (size_t)len, &x, &reason) == 0 &&
                          rs_num_f32(txt, (size_t)len, &y, &reason) == 0 &&
                          x == strtod(txt, NULL) && y == x && !signbit(x);
        }
    OK(&t, same_short, "d and d.d: strtod's value, from rs_num_f64 and rs_num_f32 alike");
    OK(&t, f64_ok("-4.5", -4.5) && f64_ok("4.50", 4.5) && f64_ok("4.", 4) && f64_ok(".5", 0.5) &&
       f32_fails("4x", "not a number") && f32_fails("x.5", "not a number"),
       "around the short path: -4.5, 4.50, 4. and .5 as before; 4x and x.5 refused");
    return tap_done(&t);
}
