/* test_json: the JSON writer's escaping, numbers, commas and misuse, in
 * memory and file mode; and the UTF-8 validator it relies on. */
#include <stdint.h>
#include "tap.h"
#include "common/json.h"
#include "common/utf8.h"

/* s (n bytes) as one JSON string value, compact. */
static int string_is(tap *t, const char *s, size_t n, const char *want, const char *what)
{
    rs_json j;
    rs_json_init_buf(&j, 0);
    rs_json_string_n(&j, s, n);
    int ok = rs_json_ok(&j) && strcmp(j.buf, want) == 0;
    OK(t, ok, "string %s: %s", what, j.buf);
    rs_json_free(&j);
    return ok;
}

static void escaping(tap *t)
{
    static const struct { const char *in; size_t n; const char *want, *what; } c[] = {
        { "plain", 5, "\"plain\"", "ascii" },
        { "", 0, "\"\"", "empty" },
        { "a\"b\\c", 5, "\"a\\\"b\\\\c\"", "quote and backslash" },
        { "\n\t\r\x01\x1f\x7f", 6, "\"\\u000a\\u0009\\u000d\\u0001\\u001f\\u007f\"", "control chars" },
        { "a\0b", 3, "\"a\\u0000b\"", "NUL inside" },
        { "/", 1, "\"/\"", "slash left alone" },
        { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
          "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", "valid 2,3,4-byte UTF-8 unchanged" },
        { "caf\xe9!", 5, "\"caf\\ufffd!\"", "Latin-1 byte" },
        { "\x80", 1, "\"\\ufffd\"", "stray continuation byte" },
        { "\xc0\xaf", 2, "\"\\ufffd\\ufffd\"", "overlong 2-byte '/'" },
        { "\xe0\x80\xaf", 3, "\"\\ufffd\\ufffd\\ufffd\"", "overlong 3-byte" },
        { "\xf0\x80\x80\xaf", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", "overlong 4-byte" },
        { "\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"", "surrogate U+D800" },
        { "\xed\xbf\xbf", 3, "\"\\ufffd\\ufffd\\ufffd\"", "surrogate U+DFFF" },
        { "\xed\x9f\xbf", 3, "\"\xed\x9f\xbf\"", "U+D7FF is fine" },
        { "\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", "above U+10FFFF" },
        { "\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\"", "U+10FFFF is fine" },
        { "\xe2\x82", 2, "\"\\ufffd\\ufffd\"", "truncated at the end" },
        { "\xe2\x82x", 3, "\"\\ufffd\\ufffdx\"", "truncated before ascii" },
        { "\xff\xfe", 2, "\"\\ufffd\\ufffd\"", "bytes never in UTF-8" },
    };
    for (size_t k = 0; k < sizeof c / sizeof *c; k++)
        string_is(t, c[k].in, c[k].n, c[k].want, c[k].what);
}

static void number_is(tap *t, double v, const char *want)
{
    rs_json j;
    rs_json_init_buf(&j, 0);
    rs_json_number(&j, v);
    OK(t, strcmp(j.buf, want) == 0, "number %.17g -> %s (want %s)", v, j.buf, want);
    rs_json_free(&j);
}

static void numbers(tap *t)
{
    number_is(t, 0, "0");
    number_is(t, 3, "3");
    number_is(t, -2.5, "-2.5");
    number_is(t, 0.1, "0.1");
    number_is(t, 1.0 / 3, "0.3333333333333333");
    number_is(t, 0.1 + 0.2, "0.30000000000000004");
    number_is(t, 1e300, "1e+300");
    number_is(t, 5e-324, "5e-324");
    number_is(t, -1e-310, "-1e-310");
    number_is(t, NAN, "null");
    number_is(t, INFINITY, "null");
    number_is(t, -INFINITY, "null");
    /* Shortest round trip: random doubles read back exactly. */
    uint64_t x = 88172645463325252ull;
    int back = 1;
    for (int k = 0; k < 2000; k++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        if (!isfinite(v)) continue;
        rs_json j;
        rs_json_init_buf(&j, 0);
        rs_json_number(&j, v);
        back &= strtod(j.buf, NULL) == v;
        rs_json_free(&j);
    }
    OK(t, back, "2000 random doubles read back exactly");

    rs_json j;
    rs_json_init_buf(&j, 0);
    rs_json_array_begin(&j);
    rs_json_fixed(&j, 0.5, 6);
    rs_json_fixed(&j, NAN, 6);
    rs_json_int(&j, INT64_MIN);
    rs_json_uint(&j, UINT64_MAX);
    rs_json_bool(&j, 1);
    rs_json_bool(&j, 0);
    rs_json_null(&j);
    rs_json_raw(&j, "1.5e3", 5);
    rs_json_array_end(&j);
    OK(t, rs_json_ok(&j) && strcmp(j.buf, "[0.500000,null,-9223372036854775808,"
                                   "18446744073709551615,true,false,null,1.5e3]") == 0,
       "fixed, int, uint, bool, null, raw: %s", j.buf);
    rs_json_free(&j);
}

static void structure(tap *t)
{
    rs_json j;
    rs_json_init_buf(&j, 0);
    rs_json_object_begin(&j);
    rs_json_key(&j, "a"); rs_json_int(&j, 1);
    rs_json_key(&j, "b"); rs_json_array_begin(&j);
    rs_json_array_begin(&j); rs_json_array_end(&j);
    rs_json_object_begin(&j); rs_json_object_end(&j);
    rs_json_string(&j, "x");
    rs_json_array_end(&j);
    rs_json_key(&j, "k\"ey"); rs_json_null(&j);
    rs_json_object_end(&j);
    OK(t, rs_json_ok(&j) && strcmp(j.buf, "{\"a\":1,\"b\":[[],{},\"x\"],\"k\\\"ey\":null}") == 0,
       "compact nesting: %s", j.buf);

    rs_json_reset(&j);
    OK(t, j.len == 0 && j.buf[0] == '\0', "reset empties the buffer");
    rs_json_free(&j);

    rs_json_init_buf(&j, RS_JSON_SPACED);
    rs_json_object_begin(&j);
    rs_json_key(&j, "a"); rs_json_int(&j, 1);
    rs_json_key(&j, "b"); rs_json_array_begin(&j); rs_json_int(&j, 2); rs_json_int(&j, 3);
    rs_json_array_end(&j);
    rs_json_object_end(&j);
    rs_json_newline(&j);
    rs_json_object_begin(&j); rs_json_object_end(&j);
    rs_json_newline(&j);
    OK(t, rs_json_ok(&j) && strcmp(j.buf, "{\"a\": 1, \"b\": [2, 3]}\n{}\n") == 0,
       "spaced, two JSON lines");
    rs_json_free(&j);
}

/* Each misuse leaves the writer not ok and writes nothing more. */
static void misuse(tap *t)
{
    static const char *const what[] = {
        "key outside an object", "value where a key is due", "object end after a key",
        "array end closing an object", "end at the top level", "unclosed array",
        "newline inside a container", "too deep" };
    for (int c = 0; c < 8; c++) {
        rs_json j;
        rs_json_init_buf(&j, 0);
        switch (c) {
        case 0: rs_json_key(&j, "a"); break;
        case 1: rs_json_object_begin(&j); rs_json_int(&j, 1); break;
        case 2: rs_json_object_begin(&j); rs_json_key(&j, "a"); rs_json_object_end(&j); break;
        case 3: rs_json_object_begin(&j); rs_json_array_end(&j); break;
        case 4: rs_json_object_end(&j); break;
        case 5: rs_json_array_begin(&j); break;
        case 6: rs_json_array_begin(&j); rs_json_newline(&j); rs_json_array_end(&j); break;
        case 7: for (int d = 0; d <= RS_JSON_MAX_DEPTH; d++) rs_json_array_begin(&j);
                for (int d = 0; d <= RS_JSON_MAX_DEPTH; d++) rs_json_array_end(&j);
                break;
        }
        size_t len = j.len;
        if (c != 5) rs_json_null(&j);
        OK(t, !rs_json_ok(&j) && j.len == len, "misuse: %s", what[c]);
        rs_json_free(&j);
    }
}

static void file_mode(tap *t)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    rs_json j;
    rs_json_init_file(&j, f, 0);
    rs_json_array_begin(&j);
    rs_json_string(&j, "\xe9t\xe9");
    rs_json_number(&j, 0.25);
    rs_json_array_end(&j);
    int ok = rs_json_ok(&j);
    fclose(f);
    OK(t, ok && strcmp(text, "[\"\\ufffdt\\ufffd\",0.25]") == 0, "file mode: %s", text);
    free(text);
}

static void utf8(tap *t)
{
    OK(t, rs_utf8_valid("", 0), "empty is valid");
    OK(t, rs_utf8_valid("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10), "mixed valid");
    OK(t, !rs_utf8_valid("\xc3", 1), "truncated");
    OK(t, !rs_utf8_valid("\xc1\xbf", 2), "overlong 0xc1");
    OK(t, !rs_utf8_valid("\xed\xa0\x80", 3), "surrogate");
    OK(t, !rs_utf8_valid("\xf5\x80\x80\x80", 4), "0xf5 lead");
    OK(t, rs_utf8_seq((const unsigned char *)"\xe2\x82\xac", 2) == 0, "seq honours n");
    OK(t, rs_utf8_seq((const unsigned char *)"\xe2\x82\xac", 3) == 3, "seq length 3");
    OK(t, rs_utf8_seq((const unsigned char *)"x", 0) == 0, "seq of nothing is 0");
}

int main(void)
{
    tap t = { 0 };
    escaping(&t);
    numbers(&t);
    structure(&t);
    misuse(&t);
    file_mode(&t);
    utf8(&t);
    return tap_done(&t);
}
