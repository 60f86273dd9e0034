/* export.c: a model's vectors as JSON lines, Redis commands or word2vec
 * text; see export.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/io.h"
#include "common/json.h"
#include "format/finite.h"
#include "format/idmap_block.h"
#include "format/layout.h"
#include "model/mf.h"
#include "model/w2v.h"
#include "prep/titles.h"
#include "score/export.h"

/* What a model exports, as views into its bundle. */
typedef struct vecs {
    const char *model;
    uint32_t dim, nu, ni;           /* nu = 0: no user vectors (w2v) */
    const float *P, *Q;             /* nu x dim, ni x dim */
    const float *bu, *bi;           /* or NULL */
    const uint64_t *count;          /* w2v: an item is exported when count > 0; else NULL */
    const char **users, **items;    /* ids by index (malloc'd arrays) */
    int has_g, has_range;
    double g, lo, hi;
    const char *range;              /* meta text "lo,hi" */
} vecs;

int rs_export_format(const char *name)
{
    if (!strcmp(name, "jsonl")) return RS_EXPORT_JSONL;
    if (!strcmp(name, "redis")) return RS_EXPORT_REDIS;
    if (!strcmp(name, "word2vec")) return RS_EXPORT_WORD2VEC;
    return -1;
}

char **rs_export_titles(const rs_bundle *b, const char *path, uint32_t *n, rs_err *e)
{
    rs_idmap *items = rs_idmap_get(b, "items", e);
    if (!items) return NULL;
    uint32_t matched = 0;
    char **t = rs_titles_read(path, items, &matched, e);
    *n = rs_idmap_size(items);
    rs_idmap_free(items);
    if (t && !matched) {
        rs_titles_free(t, *n);
        /* The words of rs-recommend --items: the same mistake, the same message. */
        rs_errf(e, RS_EDATA, "%s: no id in it is an item of the model (--items wants the titles "
                "of the model's items: movies.csv, u.item, movies.dat or id<TAB>title)", path);
        return NULL;
    }
    return t;
}

static int read_meta(vecs *v, const rs_bundle *b, rs_err *e)
{
    if ((v->has_g = rs_mf_meta_global_bias(b, &v->g, e)) < 0 ||
        (v->has_range = rs_mf_meta_range(b, &v->lo, &v->hi, e)) < 0)
        return -1;
    v->range = rs_meta_get(b, "range");
    return 0;
}

/* An optional per-row bias block: NULL when absent (and e untouched). */
static int bias(const rs_bundle *b, const rs_layout_kind *k, const char *name, uint64_t rows,
                const float **out, rs_err *e)
{
    *out = NULL;
    if (!rs_layout_block_of(k, name) || !rs_bundle_get(b, name)) return 0;
    rs_block *blk = rs_layout_need(b, k, name, rows, 1, e);
    if (!blk || rs_block_check_finite(b, name, e) < 0) return -1;
    *out = blk->data;
    return 0;
}

static const char **ids(const rs_bundle *b, const rs_layout_kind *k, const char *name,
                        uint32_t *n, rs_err *e)
{
    rs_block *blk = rs_layout_need(b, k, name, 0, 1, e);
    if (!blk) return NULL;
    if (blk->rows > UINT32_MAX) {
        rs_errf(e, RS_EDATA, "block %s: %llu ids", name, (unsigned long long)blk->rows);
        return NULL;
    }
    *n = (uint32_t)blk->rows;
    return blk->rows ? rs_block_strs(blk) : rs_xcalloc(1, sizeof(char *));
}

/* The rows x dim F32 block name (dim 0: any, then set), checked finite. */
static const float *matrix(const rs_bundle *b, const rs_layout_kind *k, const char *name,
                           uint32_t rows, uint32_t *dim, rs_err *e)
{
    rs_block *blk = rs_layout_need(b, k, name, rows, *dim, e);
    if (!blk || rs_block_check_finite(b, name, e) < 0) return NULL;
    if (blk->cols == 0 || blk->cols > 1u << 20) {
        rs_errf(e, RS_EDATA, "model: %s has %llu columns", name, (unsigned long long)blk->cols);
        return NULL;
    }
    *dim = (uint32_t)blk->cols;
    return blk->data;
}

static void vecs_free(vecs *v)
{
    free(v->users);
    free(v->items);
}

static int vecs_open(const rs_bundle *b, vecs *v, rs_err *e)
{
    memset(v, 0, sizeof *v);
    const rs_layout_kind *k = rs_layout_of(b, e);
    if (!k) return -1;
    v->model = k->name;
    int w2v = !strcmp(k->name, "w2v");
    if (!w2v && !rs_layout_block_of(k, "item_factors"))
        return rs_errf(e, RS_EDATA, "%s %s%s has no factors (jsonl, redis and word2vec export "
                       "the vectors of svd, funk, als, bpr and w2v models)",
                       strchr("aeiou", k->name[0]) ? "an" : "a", k->name,
                       strcmp(k->name, "matrix") ? " model" : "");
    uint32_t nu = 0;
    if (!(v->items = ids(b, k, "items", &v->ni, e)) || !(v->users = ids(b, k, "users", &nu, e)) ||
        read_meta(v, b, e) < 0) {
        vecs_free(v);
        return -1;
    }
    if (w2v) {
        rs_block *cnt = rs_layout_need(b, k, "w2v_count", v->ni, 1, e);
        if (!cnt || !(v->Q = matrix(b, k, "w2v_in", v->ni, &v->dim, e))) goto fail;
        v->count = cnt->data;
        return 0;
    }
    v->nu = nu;
    if (!(v->Q = matrix(b, k, "item_factors", v->ni, &v->dim, e)) ||
        !(v->P = matrix(b, k, "user_factors", v->nu, &v->dim, e)) ||
        bias(b, k, "user_bias", v->nu, &v->bu, e) < 0 || bias(b, k, "item_bias", v->ni, &v->bi, e) < 0)
        goto fail;
    return 0;
fail:
    vecs_free(v);
    return -1;
}

static int exported(const vecs *v, uint32_t i)
{
    return !v->count || v->count[i] > 0;
}

static uint32_t n_exported(const vecs *v)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < v->ni; i++) n += exported(v, i);
    return n;
}

/* One side's rows: users (the P side) or items. */
typedef struct side {
    const char *kind;           /* "user" or "item" */
    const char **id;
    const float *x, *bias;
    const char *const *title;
    const uint64_t *count;      /* rows with count 0 are left out; NULL: none are */
    uint32_t n;
} side;

static side user_side(const vecs *v)
{
    return (side){ "user", v->users, v->P, v->bu, NULL, NULL, v->nu };
}

static side item_side(const vecs *v, const char *const *titles)
{
    return (side){ "item", v->items, v->Q, v->bi, titles, v->count, v->ni };
}

/* ---- JSON lines ---- */

/* Every vector entry and bias goes through here.  The double nearest a
 * float32 is the float32 itself, so a store of doubles (MongoDB) keeps the
 * model's value exactly; the price is up to 17 digits where 9 would read
 * back as the same float32 (and the JSON writer's shortest-double search,
 * about 3 us a number: 35 s for a 138k x 27k, k = 64 model). */
static void json_f32(rs_json *j, float v)
{
    rs_json_number_f32(j, v);
}

static void json_model(rs_json *j, const vecs *v)
{
    rs_json_object_begin(j);
    rs_json_key(j, "_id");          rs_json_string(j, "model");
    rs_json_key(j, "kind");         rs_json_string(j, "model");
    rs_json_key(j, "model");        rs_json_string(j, v->model);
    rs_json_key(j, "dim");          rs_json_uint(j, v->dim);
    if (v->has_g) { rs_json_key(j, "global_bias"); rs_json_number(j, v->g); }
    if (v->has_range) {
        rs_json_key(j, "range");
        rs_json_array_begin(j);
        rs_json_number(j, v->lo);
        rs_json_number(j, v->hi);
        rs_json_array_end(j);
    }
    rs_json_key(j, "users");        rs_json_uint(j, v->nu);
    rs_json_key(j, "items");        rs_json_uint(j, n_exported(v));
    rs_json_object_end(j);
    rs_json_newline(j);
}

static void json_side(rs_json *j, FILE *f, const vecs *v, const side *s)
{
    size_t idcap = 64;
    char *id = rs_xmalloc(idcap);
    for (uint32_t r = 0; r < s->n && !ferror(f); r++) {
        if (s->count && !s->count[r]) continue;
        size_t len = strlen(s->id[r]), klen = strlen(s->kind);
        if (klen + len + 2 > idcap) id = rs_xrealloc(id, idcap = klen + len + 2);
        memcpy(id, s->kind, klen);
        id[klen] = ':';
        memcpy(id + klen + 1, s->id[r], len + 1);
        rs_json_object_begin(j);
        rs_json_key(j, "_id");      rs_json_string(j, id);
        rs_json_key(j, "kind");     rs_json_string(j, s->kind);
        rs_json_key(j, "id");       rs_json_string(j, s->id[r]);
        rs_json_key(j, "factors");
        rs_json_array_begin(j);
        const float *x = s->x + (size_t)r * v->dim;
        for (uint32_t d = 0; d < v->dim; d++) json_f32(j, x[d]);
        rs_json_array_end(j);
        if (s->bias) { rs_json_key(j, "bias"); json_f32(j, s->bias[r]); }
        if (s->title && s->title[r]) { rs_json_key(j, "title"); rs_json_string(j, s->title[r]); }
        rs_json_object_end(j);
        rs_json_newline(j);
    }
    free(id);
}

static int write_jsonl(FILE *f, const vecs *v, const rs_export_opts *o, rs_err *e)
{
    rs_json j;
    rs_json_init_file(&j, f, 0);
    json_model(&j, v);
    side u = user_side(v), i = item_side(v, o->titles);
    json_side(&j, f, v, &u);
    json_side(&j, f, v, &i);
    if (!rs_json_ok(&j)) return rs_errf(e, RS_EDATA, "internal error: malformed JSON");
    return 0;
}

/* ---- Redis commands ---- */

static void put_len(FILE *f, char c, size_t n)
{
    putc_unlocked(c, f);
    rs_put_u64(f, n);
    fputs_unlocked("\r\n", f);
}

/* One RESP bulk string made of up to three parts. */
static void put_bulk(FILE *f, const char *a, const char *b, const char *c, size_t clen)
{
    size_t al = strlen(a), bl = strlen(b);
    put_len(f, '$', al + bl + clen);
    fwrite_unlocked(a, 1, al, f);
    fwrite_unlocked(b, 1, bl, f);
    fwrite_unlocked(c, 1, clen, f);
    fputs_unlocked("\r\n", f);
}

static void put_word(FILE *f, const char *s)
{
    put_bulk(f, s, "", "", 0);
}

/* A number as text, by the JSON writer's printer (shortest, exact). */
static const char *num_text(rs_json *t, double x)
{
    rs_json_reset(t);
    rs_json_number(t, x);
    return t->buf;
}

/* DEL key, then HSET key with nfields field-value pairs to follow. */
static void hset_begin(FILE *f, const char *prefix, const char *kind, const char *id,
                       unsigned nfields)
{
    put_len(f, '*', 2);
    put_word(f, "DEL");
    put_bulk(f, prefix, kind, id, strlen(id));
    put_len(f, '*', 2 + 2 * (size_t)nfields);
    put_word(f, "HSET");
    put_bulk(f, prefix, kind, id, strlen(id));
}

static void redis_model(FILE *f, const vecs *v, const char *prefix, rs_json *t)
{
    char buf[24];
    hset_begin(f, prefix, "model", "", 4 + v->has_g + v->has_range);
    put_word(f, "model");
    put_word(f, v->model);
    put_word(f, "dim");
    snprintf(buf, sizeof buf, "%u", v->dim);
    put_word(f, buf);
    if (v->has_g) {
        put_word(f, "global_bias");
        put_word(f, num_text(t, v->g));
    }
    if (v->has_range) {
        put_word(f, "range");
        put_word(f, v->range);
    }
    put_word(f, "users");
    snprintf(buf, sizeof buf, "%u", v->nu);
    put_word(f, buf);
    put_word(f, "items");
    snprintf(buf, sizeof buf, "%u", n_exported(v));
    put_word(f, buf);
}

static void redis_side(FILE *f, const vecs *v, const side *s, const char *prefix, rs_json *t)
{
    char kind[8];
    snprintf(kind, sizeof kind, "%s:", s->kind);
    unsigned char *blob = rs_xmalloc((size_t)v->dim * 4);
    for (uint32_t r = 0; r < s->n && !ferror(f); r++) {
        if (s->count && !s->count[r]) continue;
        const char *title = s->title ? s->title[r] : NULL;
        hset_begin(f, prefix, kind, s->id[r], 1 + !!s->bias + !!title);
        /* Little-endian whatever the host: the layout is part of the format. */
        const float *x = s->x + (size_t)r * v->dim;
        for (uint32_t d = 0; d < v->dim; d++) {
            uint32_t w;
            memcpy(&w, &x[d], 4);
            for (int k = 0; k < 4; k++) blob[4 * (size_t)d + k] = (unsigned char)(w >> (8 * k));
        }
        put_word(f, "factors");
        put_bulk(f, "", "", (const char *)blob, (size_t)v->dim * 4);
        if (s->bias) {
            put_word(f, "bias");
            put_word(f, num_text(t, s->bias[r]));
        }
        if (title) {
            put_word(f, "title");
            put_word(f, title);
        }
    }
    free(blob);
}

static int write_redis(FILE *f, const vecs *v, const rs_export_opts *o)
{
    const char *prefix = o->prefix ? o->prefix : "";
    rs_json t;
    rs_json_init_buf(&t, 0);
    redis_model(f, v, prefix, &t);
    side u = user_side(v), i = item_side(v, o->titles);
    redis_side(f, v, &u, prefix, &t);
    redis_side(f, v, &i, prefix, &t);
    rs_json_free(&t);
    return 0;
}

/* ---- word2vec text ---- */

/* model/w2v's writer, so that rs-w2v --export and this agree to the byte;
 * a factor model is a vocabulary in which every item counts once, which
 * that writer puts in item order. */
static int write_word2vec(FILE *f, const vecs *v, rs_err *e)
{
    uint64_t *ones = NULL;
    if (!v->count) {
        ones = rs_xmalloc(((size_t)v->ni + 1) * sizeof *ones);
        for (uint32_t i = 0; i < v->ni; i++) ones[i] = 1;
    }
    rs_w2v m = { .items = v->ni, .dim = v->dim, .in = (float *)v->Q,
                 .count = ones ? ones : (uint64_t *)v->count, .vocab = n_exported(v) };
    int rc = rs_w2v_write_text(f, &m, v->items, e);
    free(ones);
    return rc;
}

int rs_export(FILE *f, const rs_bundle *b, const rs_export_opts *o, rs_err *e)
{
    vecs v;
    if (vecs_open(b, &v, e) < 0) return -1;
    int rc;
    if (o->format == RS_EXPORT_JSONL) rc = write_jsonl(f, &v, o, e);
    else if (o->format == RS_EXPORT_REDIS) rc = write_redis(f, &v, o);
    else if (o->format == RS_EXPORT_WORD2VEC) rc = write_word2vec(f, &v, e);
    else rc = rs_errf(e, RS_EUSAGE, "unknown export format %d", o->format);
    vecs_free(&v);
    return rc;
}
