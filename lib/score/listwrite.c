#include <math.h>
#include <string.h>
#include "common/io.h"
#include "score/listwrite.h"

int rs_listwrite_format(const char *name)
{
    if (strcmp(name, "tsv") == 0) return RS_LISTFMT_TSV;
    if (strcmp(name, "jsonl") == 0) return RS_LISTFMT_JSONL;
    if (strcmp(name, "redis") == 0) return RS_LISTFMT_REDIS;
    return -1;
}

static void put_str(FILE *f, const char *s)
{
    fputs_unlocked(s, f);
}

/* Scores are finite in practice; spell the rest the way each format can. */
static void put_score(FILE *f, float v, int json)
{
    if (isfinite(v)) rs_put_f32(f, v);
    else if (json) put_str(f, "null");
    else put_str(f, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
}

static size_t utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    size_t len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
               : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    for (size_t k = 1; k < len; k++)
        if ((p[k] & 0xc0) != 0x80) return 0;
    /* Overlong and surrogate forms are rejected by the second byte's range. */
    if (len == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f))) return 0;
    if (len == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))) return 0;
    return len;
}

void rs_put_json_string(FILE *f, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    putc_unlocked('"', f);
    while (*p) {
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            putc_unlocked('\\', f);
            putc_unlocked((int)c, f);
            p++;
        } else if (c < 0x20 || c == 0x7f) {
            put_str(f, "\\u00");
            putc_unlocked(hex[c >> 4], f);
            putc_unlocked(hex[c & 15], f);
            p++;
        } else if (c < 0x80) {
            putc_unlocked((int)c, f);
            p++;
        } else {
            size_t l = utf8_len(p);
            if (l) fwrite_unlocked(p, 1, l, f);
            else put_str(f, "\\ufffd");
            p += l ? l : 1;
        }
    }
    putc_unlocked('"', f);
}

/* A RESP bulk string: $len CRLF bytes CRLF. */
static void put_bulk(FILE *f, const char *a, size_t alen, const char *b, size_t blen)
{
    putc_unlocked('$', f);
    rs_put_u64(f, alen + blen);
    put_str(f, "\r\n");
    fwrite_unlocked(a, 1, alen, f);
    fwrite_unlocked(b, 1, blen, f);
    put_str(f, "\r\n");
}

static void emit_redis(const rs_listwrite *w, FILE *f, const char *id, const uint32_t *items,
                       size_t n)
{
    size_t pl = strlen(w->prefix), il = strlen(id);
    put_str(f, "*2\r\n$3\r\nDEL\r\n");
    put_bulk(f, w->prefix, pl, id, il);
    if (!n) return;
    putc_unlocked('*', f);
    rs_put_u64(f, n + 2);
    put_str(f, "\r\n$5\r\nRPUSH\r\n");
    put_bulk(f, w->prefix, pl, id, il);
    for (size_t k = 0; k < n; k++) {
        const char *s = w->iname[items[k]];
        put_bulk(f, s, strlen(s), "", 0);
    }
}

static void emit_jsonl(const rs_listwrite *w, FILE *f, const char *id, const uint32_t *items,
                       const float *scores, size_t n)
{
    putc_unlocked('{', f);
    rs_put_json_string(f, w->key);
    putc_unlocked(':', f);
    rs_put_json_string(f, id);
    put_str(f, ",\"items\":[");
    for (size_t k = 0; k < n; k++) {
        if (k) putc_unlocked(',', f);
        rs_put_json_string(f, w->iname[items[k]]);
    }
    put_str(f, "],\"scores\":[");
    for (size_t k = 0; k < n; k++) {
        if (k) putc_unlocked(',', f);
        put_score(f, scores[k], 1);
    }
    putc_unlocked(']', f);
    if (w->title) {
        put_str(f, ",\"titles\":[");
        for (size_t k = 0; k < n; k++) {
            const char *t = w->title[items[k]];
            if (k) putc_unlocked(',', f);
            if (t) rs_put_json_string(f, t);
            else put_str(f, "null");
        }
        putc_unlocked(']', f);
    }
    put_str(f, "}\n");
}

int rs_listwrite_emit(void *ctx, FILE *f, size_t q, const uint32_t *items,
                     const float *scores, size_t n, rs_err *e)
{
    const rs_listwrite *w = ctx;
    const char *id = w->qname[q];
    if (w->format == RS_LISTFMT_REDIS) {
        emit_redis(w, f, id, items, n);
    } else if (w->format == RS_LISTFMT_JSONL) {
        emit_jsonl(w, f, id, items, scores, n);
    } else {
        for (size_t k = 0; k < n; k++) {
            put_str(f, id);
            putc_unlocked('\t', f);
            rs_put_u64(f, k + 1);
            putc_unlocked('\t', f);
            put_str(f, w->iname[items[k]]);
            putc_unlocked('\t', f);
            put_score(f, scores[k], 0);
            if (w->title) {
                const char *t = w->title[items[k]];
                putc_unlocked('\t', f);
                if (t) put_str(f, t);
            }
            putc_unlocked('\n', f);
        }
    }
    return 0;
}
