#include <math.h>
#include <string.h>
#include "common/num.h"
#include "common/io.h"
#include "common/json.h"
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

/* Scores are finite in practice; spell the rest the way TSV can. */
static void put_score(FILE *f, float v)
{
    if (isfinite(v)) rs_put_f32(f, v);
    else put_str(f, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
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

static void emit_jsonl(const rs_listwrite *w, FILE *f, const char *id, const char *qtitle,
                       const uint32_t *items, const float *scores, size_t n)
{
    rs_json j;
    rs_json_init_file(&j, f, 0);
    rs_json_object_begin(&j);
    rs_json_key(&j, w->key);
    rs_json_string(&j, id);
    if (qtitle) {
        rs_json_key(&j, "title");
        rs_json_string(&j, qtitle);
    }
    rs_json_key(&j, "items");
    rs_json_array_begin(&j);
    for (size_t k = 0; k < n; k++) rs_json_string(&j, w->iname[items[k]]);
    rs_json_array_end(&j);
    rs_json_key(&j, "scores");
    rs_json_array_begin(&j);
    for (size_t k = 0; k < n; k++)
        rs_json_number_f32(&j, scores[k]);
    rs_json_array_end(&j);
    if (w->title) {
        rs_json_key(&j, "titles");
        rs_json_array_begin(&j);
        for (size_t k = 0; k < n; k++) {
            const char *t = w->title[items[k]];
            if (t) rs_json_string(&j, t);
            else rs_json_null(&j);
        }
        rs_json_array_end(&j);
    }
    rs_json_object_end(&j);
    rs_json_newline(&j);
}

int rs_listwrite_emit(void *ctx, FILE *f, size_t q, const uint32_t *items,
                     const float *scores, size_t n, rs_err *e)
{
    const rs_listwrite *w = ctx;
    const char *id = w->qname[q];
    const char *qtitle = w->title && w->qtitle ? w->qtitle[q] : NULL;
    if (w->format == RS_LISTFMT_REDIS) {
        emit_redis(w, f, id, items, n);
    } else if (w->format == RS_LISTFMT_JSONL) {
        emit_jsonl(w, f, id, qtitle, items, scores, n);
    } else {
        for (size_t k = 0; k < n; k++) {
            put_str(f, id);
            putc_unlocked('\t', f);
            rs_put_u64(f, k + 1);
            putc_unlocked('\t', f);
            put_str(f, w->iname[items[k]]);
            putc_unlocked('\t', f);
            put_score(f, scores[k]);
            if (w->title) {
                const char *t = w->title[items[k]];
                putc_unlocked('\t', f);
                if (t) put_str(f, t);
                if (w->qtitle) {
                    putc_unlocked('\t', f);
                    if (qtitle) put_str(f, qtitle);
                }
            }
            putc_unlocked('\n', f);
        }
    }
    return 0;
}
