/* fmt.c: the rs binary container; the wire format is man/rs-format.5.
 *
 * Reading goes front to back through one loop whether the bytes come from
 * a pipe (rs_in) or a mapped file, so both check exactly the same things.
 * A mapped file's uncompressed payloads are used in place. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>
#include "common/crc32c.h"
#include "format/bundle.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "the wire format is little-endian: add byte swaps to put/get");

enum { STREAM_HDR = 16, BLOCK_HDR = 72, ALIGN = 8 };
enum { COMP_NONE, COMP_ZSTD };
/* Block header field offsets. */
enum { H_TAG = 0, H_DTYPE = 4, H_COMP = 5, H_RESERVED = 6, H_NAME = 8, H_ROWS = 32,
       H_COLS = 40, H_STORED = 48, H_RAW = 56, H_PCRC = 64, H_HCRC = 68 };
#define BLOCK_TAG 0x4B425352u               /* "RSBK" */
#define SIZE_LIMIT ((uint64_t)1 << 40)      /* a bigger size is corruption */
#define TRUNC "truncated rs binary stream: "

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static uint16_t get16(const unsigned char *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t get32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static size_t pad8(uint64_t n) { return (ALIGN - n % ALIGN) % ALIGN; }

static const char *const dtype_name[] = { "end", "u8", "i32", "u32", "i64", "u64",
                                          "f32", "f64", "str" };

size_t rs_dtype_size(int dtype)
{
    static const unsigned char size[] = { 0, 1, 4, 4, 8, 8, 4, 8, 0 };
    return dtype >= 0 && dtype <= RS_STR ? size[dtype] : 0;
}

/* Data errors name their source first, like every rs diagnostic. */
__attribute__((format(printf, 3, 4)))
static int bad(rs_err *e, const char *src, const char *fmt, ...)
{
    char msg[sizeof e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return rs_errf(e, RS_EDATA, "%s: %s", src, msg);
}

/* ---- the bundle in memory ---- */

static rs_block *find(const rs_bundle *b, const char *name)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->b[i].name, name) == 0) return &b->b[i];
    return NULL;
}

/* Add blk, or replace the block of that name in place, so that rewriting a
 * bundle keeps its block order (and output stays byte-identical). */
static rs_block *put_block(rs_bundle *b, const rs_block *blk)
{
    rs_block *old = find(b, blk->name);
    if (old) {
        if (old->owned && old->data != blk->data) free(old->data);
        *old = *blk;
        return old;
    }
    rs_grow(&b->b, &b->cap, b->n + 1, sizeof *b->b);
    b->b[b->n] = *blk;
    return &b->b[b->n++];
}

static rs_block make_block(const char *name, int dtype, uint64_t rows, uint64_t cols,
                           void *data, size_t size, int owned)
{
    size_t len = strnlen(name, RS_NAME_MAX + 1);
    assert(len > 0 && len <= RS_NAME_MAX && dtype >= RS_U8 && dtype <= RS_STR);
    rs_block blk = { .dtype = dtype, .rows = rows, .cols = cols, .data = data,
                     .size = size, .owned = owned };
    memcpy(blk.name, name, len < RS_NAME_MAX ? len : RS_NAME_MAX);
    return blk;
}

rs_block *rs_bundle_get(const rs_bundle *b, const char *name)
{
    return find(b, name);
}

rs_block *rs_bundle_put(rs_bundle *b, const char *name, int dtype,
                        uint64_t rows, uint64_t cols, void *data, int owned)
{
    size_t size = rows * cols * rs_dtype_size(dtype);
    if (dtype == RS_STR) {
        const char *p = data;
        for (uint64_t i = 0; i < rows; i++) p += strlen(p) + 1;
        size = (size_t)(p - (const char *)data);
        cols = 1;
    }
    rs_block blk = make_block(name, dtype, rows, cols, data, size, owned);
    return put_block(b, &blk);
}

void rs_bundle_remove(rs_bundle *b, const char *name)
{
    rs_block *blk = find(b, name);
    if (!blk) return;
    if (blk->owned) free(blk->data);
    memmove(blk, blk + 1, (size_t)(b->b + b->n - (blk + 1)) * sizeof *blk);
    b->n--;
}

void rs_bundle_free(rs_bundle *b)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->b[i].owned) free(b->b[i].data);
    free(b->b);
    if (b->map) rs_unmap(b->map, b->maplen);
    memset(b, 0, sizeof *b);
}

/* "3" or "*" (any) for shape messages. */
static const char *dim(char *buf, size_t n, uint64_t v)
{
    if (v) snprintf(buf, n, "%" PRIu64, v);
    else snprintf(buf, n, "*");
    return buf;
}

rs_block *rs_bundle_need(const rs_bundle *b, const char *name, int dtype,
                         uint64_t rows, uint64_t cols, rs_err *e)
{
    rs_block *blk = find(b, name);
    if (!blk) {
        const char *kind = rs_meta_get(b, "kind");
        rs_errf(e, RS_EDATA, "missing block '%s' (%s%s)", name,
                kind ? "the input is of kind " : "is this the right input?", kind ? kind : "");
        return NULL;
    }
    if (blk->dtype != dtype) {
        rs_errf(e, RS_EDATA, "block '%s' holds %s values, expected %s", name,
                dtype_name[blk->dtype], dtype_name[dtype]);
        return NULL;
    }
    if ((rows && blk->rows != rows) || (cols && blk->cols != cols)) {
        char r[24], c[24];
        rs_errf(e, RS_EDATA, "block '%s' is %" PRIu64 "x%" PRIu64 ", expected %sx%s", name,
                blk->rows, blk->cols, dim(r, sizeof r, rows), dim(c, sizeof c, cols));
        return NULL;
    }
    return blk;
}

rs_block *rs_bundle_put_strs(rs_bundle *b, const char *name,
                             const char *const *s, uint64_t n)
{
    size_t size = 0;
    for (uint64_t i = 0; i < n; i++) size += strlen(s[i]) + 1;
    char *buf = rs_xmalloc(size), *p = buf;
    for (uint64_t i = 0; i < n; i++) {
        size_t len = strlen(s[i]) + 1;
        memcpy(p, s[i], len);
        p += len;
    }
    rs_block blk = make_block(name, RS_STR, n, 1, buf, size, 1);
    return put_block(b, &blk);
}

const char **rs_block_strs(const rs_block *blk)
{
    assert(blk->dtype == RS_STR);
    const char **v = rs_xmalloc(blk->rows * sizeof *v);
    const char *p = blk->data;
    for (uint64_t i = 0; i < blk->rows; i++, p += strlen(p) + 1) v[i] = p;
    return v;
}

/* The value in a meta entry "key=value", or NULL for another key. */
static const char *meta_value(const char *entry, const char *key, size_t klen)
{
    return strncmp(entry, key, klen) == 0 && entry[klen] == '=' ? entry + klen + 1 : NULL;
}

static const rs_block *meta_block(const rs_bundle *b)
{
    const rs_block *m = find(b, "meta");
    return m && m->dtype == RS_STR ? m : NULL;
}

const char *rs_meta_get(const rs_bundle *b, const char *key)
{
    const rs_block *m = meta_block(b);
    size_t klen = strlen(key);
    const char *p = m ? m->data : NULL, *v;
    for (uint64_t i = 0; m && i < m->rows; i++, p += strlen(p) + 1)
        if ((v = meta_value(p, key, klen))) return v;
    return NULL;
}

void rs_meta_set(rs_bundle *b, const char *key, const char *value)
{
    assert(!strchr(key, '='));
    const rs_block *m = meta_block(b);
    size_t klen = strlen(key), elen = klen + strlen(value) + 2;
    char *buf = rs_xmalloc((m ? m->size : 0) + elen), *q = buf;
    const char *p = m ? m->data : NULL;
    uint64_t rows = 0;
    int done = 0;
    /* The entry keeps its place, so setting a key twice changes one line. */
    for (uint64_t i = 0; m && i < m->rows; i++) {
        size_t len = strlen(p) + 1;
        if (!meta_value(p, key, klen)) {
            memcpy(q, p, len);
            q += len;
            rows++;
        } else if (!done) {
            q += sprintf(q, "%s=%s", key, value) + 1;
            rows++;
            done = 1;
        }
        p += len;
    }
    if (!done) {
        q += sprintf(q, "%s=%s", key, value) + 1;
        rows++;
    }
    rs_block blk = make_block("meta", RS_STR, rows, 1, buf, (size_t)(q - buf), 1);
    put_block(b, &blk);
}

/* ---- writing ---- */

static void write_head(FILE *f, const char *name, int dtype, int comp, uint64_t rows,
                       uint64_t cols, size_t stored, size_t raw, uint32_t crc)
{
    unsigned char h[BLOCK_HDR] = { 0 };
    put32(h + H_TAG, BLOCK_TAG);
    h[H_DTYPE] = (unsigned char)dtype;
    h[H_COMP] = (unsigned char)comp;
    memcpy(h + H_NAME, name, strlen(name));
    put64(h + H_ROWS, rows);
    put64(h + H_COLS, cols);
    put64(h + H_STORED, stored);
    put64(h + H_RAW, raw);
    put32(h + H_PCRC, crc);
    put32(h + H_HCRC, rs_crc32c(0, h, H_HCRC));
    fwrite(h, 1, BLOCK_HDR, f);
}

static const unsigned char zeros[ALIGN];

static void write_block(FILE *f, const char *name, int dtype, int comp, uint64_t rows,
                        uint64_t cols, const void *p, size_t stored, size_t raw)
{
    write_head(f, name, dtype, comp, rows, cols, stored, raw, rs_crc32c(0, p, stored));
    if (stored) fwrite(p, 1, stored, f);
    fwrite(zeros, 1, pad8(stored), f);
}

/* The compressor state of one write: a block is stored compressed only
 * when that saves space. */
typedef struct zw {
    ZSTD_CCtx *cc;
    int level;
    unsigned char *buf;
    size_t cap;
} zw;

static void zw_start(zw *z, int level)
{
    memset(z, 0, sizeof *z);
    z->level = level;
    if (level > 0 && !(z->cc = ZSTD_createCCtx())) rs_xmalloc(SIZE_MAX);
}

static void zw_end(zw *z) { ZSTD_freeCCtx(z->cc); free(z->buf); }

static void put_one(FILE *f, zw *z, const rs_block *blk)
{
    const void *p = blk->data;
    size_t n = blk->size;
    int comp = COMP_NONE;
    if (z->cc && n) {
        size_t bound = ZSTD_compressBound(n);
        if (bound > z->cap) {
            free(z->buf);
            z->buf = rs_xmalloc(z->cap = bound);
        }
        size_t c = ZSTD_compressCCtx(z->cc, z->buf, bound, p, n, z->level);
        if (!ZSTD_isError(c) && c < n) {
            p = z->buf;
            n = c;
            comp = COMP_ZSTD;
        }
    }
    write_block(f, blk->name, blk->dtype, comp, blk->rows, blk->cols, p, n, blk->size);
}

static void write_start(FILE *f)
{
    unsigned char h[STREAM_HDR];
    memcpy(h, RS_MAGIC, 8);
    put32(h + 8, RS_FORMAT_VERSION);
    put32(h + 12, 0);
    fwrite(h, 1, sizeof h, f);
}

static int write_finish(FILE *f, size_t count, rs_err *e)
{
    write_block(f, "end", 0, COMP_NONE, count, 0, NULL, 0, 0);
    if (fflush(f) != 0 || ferror(f))
        return rs_errf(e, RS_EDATA, "cannot write rs binary stream: %s", strerror(errno));
    return 0;
}

int rs_bundle_write(FILE *f, const rs_bundle *b, int zlevel, rs_err *e)
{
    write_start(f);
    zw z;
    zw_start(&z, zlevel);
    for (size_t i = 0; i < b->n && !ferror(f); i++) put_one(f, &z, &b->b[i]);
    zw_end(&z);
    return write_finish(f, b->n, e);
}

/* ---- reading ---- */

/* Where the bytes come from: a stream, or a file mapped in memory. */
typedef struct src {
    const char *name;
    rs_in *in;                      /* NULL for a map */
    const unsigned char *map;
    size_t len;
    uint64_t off;                   /* bytes consumed */
} src;

/* The next n bytes, read into buf (a stream) or pointed at in the map.
 * Returns how many there were (fewer only at the end), or -1. */
static ssize_t take(src *s, void *buf, size_t n, const unsigned char **p, rs_err *e)
{
    ssize_t got;
    if (s->in) {
        got = rs_in_read(s->in, buf, n, e);
        *p = buf;
    } else {
        got = (ssize_t)(n < s->len - s->off ? n : s->len - s->off);
        *p = s->map + s->off;
    }
    if (got > 0) s->off += (uint64_t)got;
    return got;
}

typedef struct bhdr {
    rs_block blk;                   /* all but data and owned; size = raw size */
    uint32_t crc;
} bhdr;

/* What is wrong with a header whose checksum is right: a writer bug or a
 * newer format, since line noise would have failed the checksum. */
static const char *header_problem(const unsigned char *h, const rs_block *b)
{
    size_t nlen = strlen(b->name);
    uint64_t want;
    if (nlen == 0) return "empty name";
    for (size_t i = nlen; i < RS_NAME_MAX; i++)
        if (h[H_NAME + i]) return "bad name padding";
    if (b->dtype > RS_STR) return "unknown type (written by a newer rs?)";
    if (b->comp > COMP_ZSTD) return "unknown compression (written by a newer rs?)";
    if (get16(h + H_RESERVED)) return "reserved field set";
    if (b->stored > SIZE_LIMIT || b->size > SIZE_LIMIT) return "absurd size";
    if (b->comp == COMP_NONE && b->stored != b->size) return "stored and raw sizes differ";
    if (b->dtype == 0) {
        if (strcmp(b->name, "end") || b->comp || b->size || b->cols) return "bad end block";
    } else if (b->dtype == RS_STR) {
        if (b->cols != 1 || b->rows > b->size) return "bad shape for strings";
    } else if (__builtin_mul_overflow(b->rows, b->cols, &want)
               || __builtin_mul_overflow(want, rs_dtype_size(b->dtype), &want)
               || want != b->size) {
        return "size does not match shape";
    }
    return NULL;
}

static int parse_header(src *s, const unsigned char *h, bhdr *bh, rs_err *e)
{
    uint64_t at = s->off - BLOCK_HDR;
    if (get32(h + H_TAG) != BLOCK_TAG || get32(h + H_HCRC) != rs_crc32c(0, h, H_HCRC))
        return bad(e, s->name, "corrupted block header at byte %" PRIu64, at);
    memset(bh, 0, sizeof *bh);
    memcpy(bh->blk.name, h + H_NAME, RS_NAME_MAX);
    bh->blk.dtype = h[H_DTYPE];
    bh->blk.rows = get64(h + H_ROWS);
    bh->blk.cols = get64(h + H_COLS);
    bh->blk.size = get64(h + H_RAW);
    bh->blk.comp = h[H_COMP];
    bh->blk.stored = get64(h + H_STORED);
    bh->crc = get32(h + H_PCRC);
    const char *why = header_problem(h, &bh->blk);
    if (why)
        return bad(e, s->name, "corrupted block header at byte %" PRIu64 " ('%s': %s)",
                   at, bh->blk.name, why);
    return 0;
}

/* Exactly rows NUL-terminated strings fill p[0..size). */
static int strs_ok(const char *p, size_t size, uint64_t rows)
{
    if (size == 0) return rows == 0;
    if (p[size - 1]) return 0;
    uint64_t n = 0;
    for (const char *q = p, *end = p + size; q < end; n++)
        q = (const char *)memchr(q, 0, (size_t)(end - q)) + 1;
    return n == rows;
}

/* A header announces its payload's size before any of the payload
 * arrives, so that size is a claim, and a lying one (a crafted file, a
 * writer bug) must end in "truncated", not in an attempt to allocate it.
 * Buffers therefore grow with the bytes that really come, from CHUNK on. */
enum { CHUNK = 1 << 20 };

/* The next n bytes of a stream into a malloc'd *out.  Returns how many
 * there were (fewer only at the end: then *out is NULL, and for a plain
 * file on stdin the count is what the file still holds, learnt without
 * reading), or -1 on a read error. */
static ssize_t take_stream(src *s, size_t n, unsigned char **out, rs_err *e)
{
    int fd;
    off_t from, to;
    *out = NULL;
    if (rs_in_region(s->in, &fd, &from, &to) && (uint64_t)(to - from) < n)
        return (ssize_t)(to - from);
    size_t cap = n < CHUNK ? n : CHUNK, got = 0;
    unsigned char *buf = rs_xmalloc(cap);
    for (;;) {
        ssize_t r = rs_in_read(s->in, buf + got, cap - got, e);
        if (r < 0) { free(buf); return -1; }
        got += (size_t)r;
        if (got < cap || cap == n) break;     /* the stream ended, or all is here */
        cap = cap > n / 2 ? n : cap * 2;
        buf = rs_xrealloc(buf, cap);
    }
    s->off += got;
    if (got < n) { free(buf); return (ssize_t)got; }
    *out = buf;
    return (ssize_t)got;
}

/* Decompress p[0..n) into a malloc'd buffer of exactly raw bytes, growing it
 * as output really comes (the raw size is a claim too).  NULL, with *why,
 * when the data is damaged or does not decompress to raw bytes. */
static unsigned char *unzstd(const unsigned char *p, size_t n, size_t raw, const char **why)
{
    unsigned long long said = ZSTD_getFrameContentSize(p, n);
    if (said != ZSTD_CONTENTSIZE_UNKNOWN && said != ZSTD_CONTENTSIZE_ERROR && said != raw) {
        *why = "wrong size";
        return NULL;
    }
    ZSTD_DStream *z = ZSTD_createDStream();
    if (!z) rs_xmalloc(SIZE_MAX);
    ZSTD_initDStream(z);
    size_t cap = raw < CHUNK ? raw : CHUNK, rc;
    unsigned char *out = rs_xmalloc(cap);
    ZSTD_inBuffer zi = { p, n, 0 };
    ZSTD_outBuffer zo = { out, cap, 0 };
    for (;;) {
        size_t ipos = zi.pos, opos = zo.pos;
        rc = ZSTD_decompressStream(z, &zo, &zi);
        if (ZSTD_isError(rc) || (rc == 0 && zi.pos == zi.size)) break;
        if (zo.pos == zo.size && zo.size < raw) {
            zo.size = zo.size > raw / 2 ? raw : zo.size * 2;
            zo.dst = out = rs_xrealloc(out, zo.size);
        } else if (zi.pos == ipos && zo.pos == opos) {
            break;      /* stuck: the frame is cut short, or holds more than raw */
        }
    }
    ZSTD_freeDStream(z);
    if (ZSTD_isError(rc) || rc != 0 || zo.pos != raw) {
        *why = ZSTD_isError(rc) ? ZSTD_getErrorName(rc) : "wrong size";
        free(out);
        return NULL;
    }
    return out;
}

/* The payload and padding of the block bh describes, checked, into b. */
static int read_payload(src *s, bhdr *bh, rs_bundle *b, rs_err *e)
{
    const char *name = bh->blk.name;
    size_t stored = bh->blk.stored, npad = pad8(stored), raw = bh->blk.size;
    unsigned char *buf = NULL;      /* owned copy, if any */
    unsigned char padbuf[ALIGN];
    const unsigned char *p = NULL, *pad;
    ssize_t got = s->in ? take_stream(s, stored, &buf, e) : take(s, NULL, stored, &p, e);
    if (got < 0) goto fail;
    if ((size_t)got < stored) {
        bad(e, s->name, TRUNC "block '%s' declares %zu bytes but the stream ends after %zd",
            name, stored, got);
        goto fail;
    }
    if (s->in) p = buf;
    if ((got = take(s, padbuf, npad, &pad, e)) < 0) goto fail;
    if ((size_t)got < npad) {
        bad(e, s->name, TRUNC "padding after block '%s' ends after %zd of %zu bytes",
            name, got, npad);
        goto fail;
    }
    for (size_t i = 0; i < npad; i++)
        if (pad[i]) {
            bad(e, s->name, "corrupted padding after block '%s'", name);
            goto fail;
        }
    if (rs_crc32c(0, p, stored) != bh->crc) {
        bad(e, s->name, "checksum mismatch in block '%s'", name);
        goto fail;
    }
    if (bh->blk.comp == COMP_ZSTD) {
        const char *why = NULL;
        unsigned char *out = unzstd(p, stored, raw, &why);
        free(buf);
        p = buf = out;
        if (!out) {
            bad(e, s->name, "corrupted compressed data in block '%s': %s", name, why);
            goto fail;
        }
    }
    if (bh->blk.dtype == RS_STR && !strs_ok((const char *)p, raw, bh->blk.rows)) {
        bad(e, s->name, "block '%s' does not hold %" PRIu64 " NUL-terminated strings",
            name, bh->blk.rows);
        goto fail;
    }
    bh->blk.data = (void *)p;
    bh->blk.owned = buf != NULL;
    put_block(b, &bh->blk);
    return 0;
fail:
    free(buf);
    return -1;
}

/* The stream header's got bytes at h. */
static int stream_head(const char *name, const unsigned char *h, ssize_t got, rs_err *e)
{
    if (got < 8 || memcmp(h, RS_MAGIC, 8))
        return bad(e, name, "not an rs binary stream (bad magic)");
    if (got < STREAM_HDR)
        return bad(e, name, TRUNC "header ends after %zd of %d bytes", got, STREAM_HDR);
    if (get32(h + 8) != RS_FORMAT_VERSION)
        return bad(e, name, "unsupported rs binary version %" PRIu32 " (this rs reads %d)",
                   get32(h + 8), RS_FORMAT_VERSION);
    if (get32(h + 12))
        return bad(e, name, "unsupported rs binary flags 0x%" PRIx32, get32(h + 12));
    return 0;
}

static int read_all(src *s, rs_bundle *b, rs_err *e)
{
    unsigned char hb[BLOCK_HDR];
    const unsigned char *h;
    ssize_t got = take(s, hb, STREAM_HDR, &h, e);
    if (got < 0 || stream_head(s->name, h, got, e) < 0) return -1;

    for (uint64_t count = 0;; count++) {
        if ((got = take(s, hb, BLOCK_HDR, &h, e)) < 0) return -1;
        if (got == 0)
            return bad(e, s->name, TRUNC "no end block after %" PRIu64 " blocks", count);
        if (got < BLOCK_HDR)
            return bad(e, s->name, TRUNC "block header at byte %" PRIu64
                       " ends after %zd of %d bytes", s->off - (uint64_t)got, got, BLOCK_HDR);
        bhdr bh;
        if (parse_header(s, h, &bh, e) < 0) return -1;
        if (bh.blk.dtype == 0) {
            if (bh.blk.rows != count)
                return bad(e, s->name, "corrupted stream: end block counts %" PRIu64
                           " blocks, found %" PRIu64, bh.blk.rows, count);
            return 0;   /* whatever follows is not ours */
        }
        if (read_payload(s, &bh, b, e) < 0) return -1;
    }
}

/* Move t's blocks into b, replacing blocks of the same names. */
static void adopt(rs_bundle *b, rs_bundle *t)
{
    for (size_t i = 0; i < t->n; i++) put_block(b, &t->b[i]);
    if (t->map) {
        b->map = t->map;
        b->maplen = t->maplen;
    }
    free(t->b);
}

static int looks_text(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') || p[i] == 0x7f)
            return 0;
    return 1;
}

/* Name what the stream is when it is not an rs binary: the usual mistake
 * is a TSV piped straight into a program that wants rs-index's output. */
static int check_start(rs_in *in, const char *what, rs_err *e)
{
    const unsigned char *p;
    ssize_t n = rs_in_peek(in, &p, 512, e);
    if (n < 0) return -1;
    const char *name = rs_in_name(in);
    if (n >= 8 && memcmp(p, RS_MAGIC, 8) == 0) return 0;
    if (!what) what = "an rs binary stream";
    if (n == 0) return bad(e, name, "empty input: expected %s", what);
    if (n < 8 && memcmp(p, RS_MAGIC, (size_t)n) == 0)
        return bad(e, name, TRUNC "header ends after %zd of %d bytes", n, STREAM_HDR);
    if (looks_text(p, (size_t)n))
        return bad(e, name, "this is text, not an rs binary: expected %s "
                   "(hint: pipe canonical TSV through rs-index first)", what);
    return bad(e, name, "not an rs binary stream (bad magic): expected %s", what);
}

int rs_bundle_read_expect(rs_in *in, rs_bundle *b, const char *what, rs_err *e)
{
    src s = { .name = rs_in_name(in), .in = in };
    rs_bundle t = { 0 };
    if (check_start(in, what, e) < 0 || read_all(&s, &t, e) < 0) {
        rs_bundle_free(&t);
        return -1;
    }
    adopt(b, &t);
    return 0;
}

int rs_bundle_read(rs_in *in, rs_bundle *b, rs_err *e)
{
    return rs_bundle_read_expect(in, b, NULL, e);
}

/* Blocks of a mapped file: uncompressed payloads stay in the map. */
static int load_map(const char *path, void *map, size_t len, rs_bundle *b, rs_err *e)
{
    src s = { .name = path, .map = map, .len = len };
    rs_bundle t = { .map = map, .maplen = len };
    if (read_all(&s, &t, e) < 0) {
        rs_bundle_free(&t);
        return -1;
    }
    int borrowed = 0;
    for (size_t i = 0; i < t.n; i++) borrowed |= !t.b[i].owned;
    if (!borrowed) {
        rs_unmap(map, len);
        t.map = NULL;
    }
    adopt(b, &t);
    return 0;
}

int rs_bundle_load(const char *path, rs_bundle *b, rs_err *e)
{
    return rs_bundle_load_expect(path, b, NULL, e);
}

int rs_bundle_load_expect(const char *path, rs_bundle *b, const char *what, rs_err *e)
{
    /* Anything but a plain rs file (stdin, a pipe, a .zst, text) goes
     * through rs_in, which also words the errors about it. */
    if (path && strcmp(path, "-") != 0 && !b->map) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        void *map = NULL;
        /* Registered with rs_map: a file truncated under us is an error
         * that names it, not a "Bus error" at the first lost page. */
        if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= STREAM_HDR)
            map = rs_map(fd, 0, (size_t)st.st_size, path);
        if (fd >= 0) close(fd);
        if (map) {
            if (memcmp(map, RS_MAGIC, 8) == 0) return load_map(path, map, (size_t)st.st_size, b, e);
            rs_unmap(map, (size_t)st.st_size);
        }
    }
    rs_in *in = rs_in_open(path, e);
    if (!in) return -1;
    int rc = rs_bundle_read_expect(in, b, what, e);
    rs_in_close(in);
    return rc;
}

int rs_in_is_binary(rs_in *in, rs_err *e)
{
    const unsigned char *p;
    ssize_t n = rs_in_peek(in, &p, 8, e);
    if (n < 0) return -1;
    return n == 8 && memcmp(p, RS_MAGIC, 8) == 0;
}

/* ---- a seekable file's blocks, read in parts ---- */

/* n bytes at offset at, all of them, or -1 (a short read is a truncation:
 * the directory said they were there). */
static int pread_all(int fd, const char *name, void *buf, size_t n, uint64_t at, rs_err *e)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(at + got));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return bad(e, name, "cannot read: %s", strerror(errno));
        if (r == 0)
            return bad(e, name, TRUNC "%zu bytes at byte %" PRIu64 " end after %zu", n, at, got);
        got += (size_t)r;
    }
    return 0;
}

int rs_bundle_dir_open(const char *path, rs_bundle_dir *d, rs_err *e)
{
    memset(d, 0, sizeof *d);
    d->path = path;
    d->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (d->fd < 0 || fstat(d->fd, &st) < 0) {
        rs_errf(e, RS_EDATA, "%s: %s", path, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        bad(e, path, "not a regular file (its blocks are read in parts, with pread)");
        goto fail;
    }
    uint64_t size = (uint64_t)st.st_size, off = 0;
    unsigned char h[BLOCK_HDR];
    ssize_t got = pread(d->fd, h, STREAM_HDR, 0);
    if (got < 0) {
        bad(e, path, "cannot read: %s", strerror(errno));
        goto fail;
    }
    if (stream_head(path, h, got, e) < 0) goto fail;
    off = STREAM_HDR;
    src s = { .name = path };       /* for parse_header's messages */
    for (uint64_t count = 0;; count++) {
        got = pread(d->fd, h, BLOCK_HDR, (off_t)off);
        if (got < 0) {
            bad(e, path, "cannot read: %s", strerror(errno));
            goto fail;
        }
        if (got == 0) {
            bad(e, path, TRUNC "no end block after %" PRIu64 " blocks", count);
            goto fail;
        }
        if (got < BLOCK_HDR) {
            bad(e, path, TRUNC "block header at byte %" PRIu64 " ends after %zd of %d bytes",
                off, got, BLOCK_HDR);
            goto fail;
        }
        s.off = off + BLOCK_HDR;
        bhdr bh;
        if (parse_header(&s, h, &bh, e) < 0) goto fail;
        if (bh.blk.dtype == 0) {
            if (bh.blk.rows != count) {
                bad(e, path, "corrupted stream: end block counts %" PRIu64 " blocks, found %"
                    PRIu64, bh.blk.rows, count);
                goto fail;
            }
            return 0;
        }
        uint64_t at = off + BLOCK_HDR;
        if (bh.blk.stored + pad8(bh.blk.stored) > size - at) {
            bad(e, path, TRUNC "block '%s' declares %" PRIu64 " bytes but the stream ends "
                "after %" PRIu64, bh.blk.name, bh.blk.stored, size - at);
            goto fail;
        }
        rs_grow(&d->ent, &d->cap, d->n + 1, sizeof *d->ent);
        d->ent[d->n++] = (rs_bundle_entry){ .blk = bh.blk, .at = at, .crc = bh.crc };
        off = at + bh.blk.stored + pad8(bh.blk.stored);
    }
fail:
    rs_bundle_dir_close(d);
    return -1;
}

void rs_bundle_dir_close(rs_bundle_dir *d)
{
    if (d->fd >= 0) close(d->fd);
    free(d->ent);
    memset(d, 0, sizeof *d);
    d->fd = -1;
}

const rs_bundle_entry *rs_bundle_dir_find(const rs_bundle_dir *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->ent[i].blk.name, name) == 0) return &d->ent[i];
    return NULL;
}

int rs_bundle_dir_read(const rs_bundle_dir *d, const char *name, rs_bundle *b, rs_err *e)
{
    const rs_bundle_entry *ent = rs_bundle_dir_find(d, name);
    if (!ent) return bad(e, d->path, "missing block '%s'", name);
    size_t n = ent->blk.stored + pad8(ent->blk.stored);
    unsigned char *buf = rs_xmalloc(n ? n : 1);
    if (pread_all(d->fd, d->path, buf, n, ent->at, e) < 0) {
        free(buf);
        return -1;
    }
    /* The same checks as a whole read, on the payload as if mapped. */
    src s = { .name = d->path, .map = buf, .len = n };
    bhdr bh = { .blk = ent->blk, .crc = ent->crc };
    if (read_payload(&s, &bh, b, e) < 0) {
        free(buf);
        return -1;
    }
    rs_block *blk = find(b, name);
    if (blk->owned) free(buf);      /* decompressed into its own buffer */
    else blk->owned = 1;            /* points at buf */
    return 0;
}

int rs_bundle_dir_pread(const rs_bundle_dir *d, const rs_bundle_entry *ent, void *buf,
                        uint64_t from, uint64_t n, rs_err *e)
{
    if (ent->blk.comp != COMP_NONE)
        return bad(e, d->path, "block '%s' is compressed: its parts cannot be read alone "
                   "(write the file without --compress)", ent->blk.name);
    if (from > ent->blk.size || n > ent->blk.size - from)
        return bad(e, d->path, "bytes %" PRIu64 " to %" PRIu64 " are past the end of block "
                   "'%s' (%zu bytes)", from, from + n, ent->blk.name, ent->blk.size);
    return pread_all(d->fd, d->path, buf, n, ent->at + from, e);
}

int rs_bundle_write_over(FILE *f, const rs_bundle_dir *d, int (*keep)(const char *name),
                         const rs_bundle *b, int zlevel, rs_err *e)
{
    enum { PIECE = 1 << 20 };
    write_start(f);
    zw z;
    zw_start(&z, zlevel);
    unsigned char *done = rs_xcalloc(b->n + 1, 1), *piece = NULL;
    size_t count = 0;
    int rc = 0;
    for (size_t i = 0; i < d->n && !ferror(f) && rc == 0; i++) {
        const rs_bundle_entry *ent = &d->ent[i];
        const rs_block *mine = find(b, ent->blk.name);
        if (!keep(ent->blk.name)) continue;
        count++;
        if (mine) {
            put_one(f, &z, mine);
            done[mine - b->b] = 1;
            continue;
        }
        /* Copied as stored, in pieces, its checksum checked on the way. */
        const rs_block *h = &ent->blk;
        write_head(f, h->name, h->dtype, h->comp, h->rows, h->cols, h->stored, h->size, ent->crc);
        if (!piece) piece = rs_xmalloc(PIECE);
        uint32_t crc = 0;
        for (uint64_t at = 0; at < h->stored && rc == 0; at += PIECE) {
            size_t n = h->stored - at < PIECE ? (size_t)(h->stored - at) : PIECE;
            rc = pread_all(d->fd, d->path, piece, n, ent->at + at, e);
            crc = rs_crc32c(crc, piece, n);
            fwrite(piece, 1, n, f);
        }
        fwrite(zeros, 1, pad8(h->stored), f);
        if (rc == 0 && crc != ent->crc)
            rc = bad(e, d->path, "checksum mismatch in block '%s'", h->name);
    }
    for (size_t i = 0; i < b->n && rc == 0; i++)
        if (!done[i]) {
            put_one(f, &z, &b->b[i]);
            count++;
        }
    zw_end(&z);
    free(done);
    free(piece);
    return rc < 0 ? -1 : write_finish(f, count, e);
}
