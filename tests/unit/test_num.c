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
    return tap_done(&t);
}
