#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/err.h"
#include "common/json.h"
#include "common/num.h"
#include "common/utf8.h"

static void put(rs_json *j, const char *s, size_t n)
{
    if (j->f) {
        fwrite_unlocked(s, 1, n, j->f);
        return;
    }
    rs_grow(&j->buf, &j->cap, j->len + n + 1, 1);
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void putch(rs_json *j, char c)
{
    if (j->f) putc_unlocked(c, j->f);
    else put(j, &c, 1);
}

void rs_json_init_file(rs_json *j, FILE *f, unsigned flags)
{
    memset(j, 0, sizeof *j);
    j->f = f;
    j->flags = flags;
}

void rs_json_init_buf(rs_json *j, unsigned flags)
{
    memset(j, 0, sizeof *j);
    j->flags = flags;
    put(j, "", 0);              /* buf is a string from the start */
}

void rs_json_reset(rs_json *j)
{
    j->depth = j->after_key = j->bad = 0;
    j->in_object = j->has_value = 0;
    if (!j->f) { j->len = 0; j->buf[0] = '\0'; }
}

void rs_json_free(rs_json *j)
{
    free(j->buf);
    j->buf = NULL;
    j->len = j->cap = 0;
}

int rs_json_ok(const rs_json *j)
{
    return !j->bad && j->depth == 0 && !j->after_key;
}

static uint64_t bit(int depth) { return (uint64_t)1 << (depth - 1); }

/* Before a value: its separator, or refusal (1) when a key is due. */
static int value_start(rs_json *j)
{
    if (j->bad) return 1;
    if (j->after_key) { j->after_key = 0; return 0; }
    if (j->depth == 0) return 0;
    if (j->in_object & bit(j->depth)) { j->bad = 1; return 1; }
    if (j->has_value & bit(j->depth)) put(j, ", ", j->flags & RS_JSON_SPACED ? 2 : 1);
    j->has_value |= bit(j->depth);
    return 0;
}

static void begin(rs_json *j, char c, int object)
{
    if (value_start(j)) return;
    if (j->depth == RS_JSON_MAX_DEPTH) { j->bad = 1; return; }
    j->depth++;
    j->has_value &= ~bit(j->depth);
    if (object) j->in_object |= bit(j->depth);
    else j->in_object &= ~bit(j->depth);
    putch(j, c);
}

static void end(rs_json *j, char c, int object)
{
    if (j->bad) return;
    if (j->depth == 0 || j->after_key || !(j->in_object & bit(j->depth)) != !object) {
        j->bad = 1;
        return;
    }
    j->depth--;
    putch(j, c);
}

void rs_json_object_begin(rs_json *j) { begin(j, '{', 1); }
void rs_json_object_end(rs_json *j) { end(j, '}', 1); }
void rs_json_array_begin(rs_json *j) { begin(j, '[', 0); }
void rs_json_array_end(rs_json *j) { end(j, ']', 0); }

/* The escaped text of s, quotes included; runs of plain bytes go out whole. */
static void quoted(rs_json *j, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
    putch(j, '"');
    while (p < end) {
        unsigned c = *p;
        size_t l = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? 1
                 : c >= 0x80 ? rs_utf8_seq(p, (size_t)(end - p)) : 0;
        if (l) { p += l; continue; }
        put(j, (const char *)run, (size_t)(p - run));
        if (c == '"' || c == '\\') {
            char e[2] = { '\\', (char)c };
            put(j, e, 2);
        } else if (c < 0x80) {
            char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            put(j, e, 6);
        } else {
            put(j, "\\ufffd", 6);
        }
        run = ++p;
    }
    put(j, (const char *)run, (size_t)(p - run));
    putch(j, '"');
}

void rs_json_key(rs_json *j, const char *key)
{
    if (j->bad) return;
    if (j->depth == 0 || !(j->in_object & bit(j->depth)) || j->after_key) {
        j->bad = 1;
        return;
    }
    if (j->has_value & bit(j->depth)) put(j, ", ", j->flags & RS_JSON_SPACED ? 2 : 1);
    j->has_value |= bit(j->depth);
    quoted(j, key, strlen(key));
    put(j, ": ", j->flags & RS_JSON_SPACED ? 2 : 1);
    j->after_key = 1;
}

void rs_json_string_n(rs_json *j, const char *s, size_t n)
{
    if (!value_start(j)) quoted(j, s, n);
}

void rs_json_string(rs_json *j, const char *s)
{
    rs_json_string_n(j, s, strlen(s));
}

void rs_json_raw(rs_json *j, const char *text, size_t n)
{
    if (!value_start(j)) put(j, text, n);
}

void rs_json_null(rs_json *j) { rs_json_raw(j, "null", 4); }

void rs_json_bool(rs_json *j, int v)
{
    if (v) rs_json_raw(j, "true", 4);
    else rs_json_raw(j, "false", 5);
}

void rs_json_number(rs_json *j, double v)
{
    if (!isfinite(v)) { rs_json_null(j); return; }
    char b[RS_NUM_BUF];
    rs_json_raw(j, b, rs_num_fmt_f64(b, v));
}

void rs_json_number_f32(rs_json *j, float v)
{
    if (!isfinite(v)) { rs_json_null(j); return; }
    char b[RS_NUM_BUF];
    rs_json_raw(j, b, rs_num_fmt_f32(b, v));
}

void rs_json_fixed(rs_json *j, double v, int decimals)
{
    if (!isfinite(v)) { rs_json_null(j); return; }
    char b[400];                /* %f of 1e308 has 309 digits before the point */
    if (decimals < 0) decimals = 0;
    if (decimals > 40) decimals = 40;
    int n = snprintf(b, sizeof b, "%.*f", decimals, v);
    rs_json_raw(j, b, (size_t)n);
}

void rs_json_int(rs_json *j, int64_t v)
{
    char b[RS_NUM_BUF];
    rs_json_raw(j, b, rs_num_fmt_i64(b, v));
}

void rs_json_uint(rs_json *j, uint64_t v)
{
    char b[RS_NUM_BUF];
    rs_json_raw(j, b, rs_num_fmt_u64(b, v));
}

void rs_json_newline(rs_json *j)
{
    if (j->bad) return;
    if (j->depth || j->after_key) { j->bad = 1; return; }
    putch(j, '\n');
}
