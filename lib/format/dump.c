/* decode.c: rs bundles as text; see decode.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "format/csr.h"
#include "format/dump.h"
#include "common/io.h"

/* How often the long loops look whether the output has failed: a reader
 * that left (`| head`) should not make us format millions of lines more. */
#define CHECK_EVERY 65536

const char *rs_dump_dtype_name(int dtype)
{
    static const char *const names[] = { "end", "u8", "i32", "u32", "i64", "u64",
                                         "f32", "f64", "str" };
    return dtype >= 0 && dtype <= RS_STR ? names[dtype] : "?";
}

static void put_value(FILE *f, int dtype, const unsigned char *p)
{
    switch (dtype) {
    case RS_U8: rs_put_u64(f, *p); break;
    case RS_I32: { int32_t v; memcpy(&v, p, 4); rs_put_i64(f, v); break; }
    case RS_U32: { uint32_t v; memcpy(&v, p, 4); rs_put_u64(f, v); break; }
    case RS_I64: { int64_t v; memcpy(&v, p, 8); rs_put_i64(f, v); break; }
    case RS_U64: { uint64_t v; memcpy(&v, p, 8); rs_put_u64(f, v); break; }
    case RS_F32: { float v; memcpy(&v, p, 4); rs_put_f32(f, v); break; }  /* shortest, exact */
    case RS_F64: { double v; memcpy(&v, p, 8); rs_put_g(f, v); break; }
    }
}

/* The strings of an id map block, indexed (caller frees), after checking
 * that it has n of them. */
static const char **id_strs(const rs_bundle *b, const char *name, uint64_t n, rs_err *e)
{
    rs_block *blk = rs_bundle_need(b, name, RS_STR, n, 1, e);
    if (!blk) return NULL;
    if (n == 0) return rs_xmalloc(1);
    return rs_block_strs(blk);
}

static void put_str(FILE *f, const char *s)
{
    fwrite_unlocked(s, 1, strlen(s), f);
}

int rs_dump_matrix(FILE *f, const rs_bundle *b, rs_err *e)
{
    if (!rs_bundle_get(b, "indptr")) {
        const char *kind = rs_meta_get(b, "kind");
        return rs_errf(e, RS_EDATA, "no interaction matrix in this %s%s "
                       "(hint: rs-index --list shows its blocks, --block NAME prints one)",
                       kind ? kind : "stream", kind ? " bundle" : "");
    }
    rs_csr m;
    if (rs_csr_get(b, &m, e) < 0) return -1;
    const char **users = id_strs(b, "users", m.rows, e);
    if (!users) return -1;
    const char **items = id_strs(b, "items", m.cols, e);
    if (!items) { free(users); return -1; }
    /* The input's column count; a matrix that does not say had all four,
     * or three when it kept no timestamps. */
    const char *c = rs_meta_get(b, "columns");
    int ncols = c ? atoi(c) : 4;
    int rating = ncols >= 3, stamp = ncols >= 4 && m.times;
    for (uint32_t u = 0; u < m.rows && !ferror(f); u++) {
        size_t ulen = strlen(users[u]);
        for (uint64_t p = m.indptr[u]; p < m.indptr[u + 1]; p++) {
            fwrite_unlocked(users[u], 1, ulen, f);
            putc_unlocked('\t', f);
            put_str(f, items[m.indices[p]]);
            if (rating) { putc_unlocked('\t', f); rs_put_f32(f, m.values[p]); }
            if (stamp) { putc_unlocked('\t', f); rs_put_i64(f, m.times[p]); }
            putc_unlocked('\n', f);
            if (p % CHECK_EVERY == 0 && ferror(f)) break;
        }
    }
    free(users);
    free(items);
    return 0;
}

void rs_dump_list(FILE *f, const rs_bundle *b)
{
    fputs("#block\tdtype\trows\tcols\tbytes\tstored\tcompression\n", f);
    for (size_t k = 0; k < b->n; k++) {
        const rs_block *blk = &b->b[k];
        fprintf(f, "%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%zu\t%" PRIu64 "\t%s\n", blk->name,
                rs_dump_dtype_name(blk->dtype), blk->rows, blk->cols, blk->size,
                blk->stored ? blk->stored : (uint64_t)blk->size,
                blk->comp ? "zstd" : "none");
    }
    fputs("#meta\n", f);
    const rs_block *meta = rs_bundle_get(b, "meta");
    if (meta && meta->dtype == RS_STR) {
        const char *p = meta->data;
        for (uint64_t k = 0; k < meta->rows; k++, p += strlen(p) + 1) {
            put_str(f, p);
            putc_unlocked('\n', f);
        }
    }
}

const char *rs_dump_rows_map(const rs_bundle *b, const rs_block *blk)
{
    static const struct { const char *prefix, *map; } owner[] = {
        { "user_", "users" }, { "item_", "items" }, { "w2v_", "items" },
    };
    for (size_t k = 0; k < sizeof owner / sizeof *owner; k++) {
        if (strncmp(blk->name, owner[k].prefix, strlen(owner[k].prefix)) != 0) continue;
        const rs_block *m = rs_bundle_get(b, owner[k].map);
        return m && m->dtype == RS_STR && m->rows == blk->rows ? owner[k].map : NULL;
    }
    return NULL;
}

int rs_dump_block(FILE *f, const rs_bundle *b, const char *name, int ids, rs_err *e)
{
    const rs_block *blk = rs_bundle_get(b, name);
    if (!blk) {
        /* Name the blocks there are: the usual mistake is a misspelling. */
        char have[512] = "";
        size_t len = 0;
        for (size_t k = 0; k < b->n && len < sizeof have - 32; k++)
            len += (size_t)snprintf(have + len, sizeof have - len, "%s%s", k ? ", " : "",
                                    b->b[k].name);
        return rs_errf(e, RS_EDATA, "no block '%s' (the input has: %s)", name,
                       b->n ? have : "no blocks");
    }
    if (blk->dtype == RS_STR) {
        const char *p = blk->data;
        for (uint64_t k = 0; k < blk->rows && !(k % CHECK_EVERY == 0 && ferror(f));
             k++, p += strlen(p) + 1) {
            put_str(f, p);
            putc_unlocked('\n', f);
        }
        return 0;
    }
    size_t sz = rs_dump_dtype_name(blk->dtype)[0] == '?' ? 0 : rs_dtype_size(blk->dtype);
    if (!sz) return rs_errf(e, RS_EDATA, "block '%s': unknown type %d", name, blk->dtype);
    const char *map = ids ? rs_dump_rows_map(b, blk) : NULL;
    const char **label = map ? id_strs(b, map, blk->rows, e) : NULL;
    if (map && !label) return -1;
    const unsigned char *p = blk->data;
    for (uint64_t r = 0; r < blk->rows && !(r % CHECK_EVERY == 0 && ferror(f)); r++) {
        if (label) { put_str(f, label[r]); putc_unlocked('\t', f); }
        for (uint64_t c = 0; c < blk->cols; c++, p += sz) {
            if (c) putc_unlocked('\t', f);
            put_value(f, blk->dtype, p);
        }
        putc_unlocked('\n', f);
    }
    free(label);
    return 0;
}
