/* test_fmt.c: the binary container: round trips, checksums, and that every
 * truncation and every flipped byte of a stream is caught. */
#include <stdint.h>
#include <unistd.h>
#include <zstd.h>
#include "common/crc32c.h"
#include "format/bundle.h"
#include "common/rng.h"
#include "tap.h"

static void write_bytes(const char *p, const void *buf, size_t n)
{
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(buf, 1, n, f) != n || fclose(f)) { perror(p); exit(1); }
}

/* The bytes of b as rs_bundle_write makes them (caller frees). */
static unsigned char *to_bytes(const rs_bundle *b, int zlevel, size_t *n)
{
    char *buf;
    FILE *f = open_memstream(&buf, n);
    rs_err e;
    if (rs_bundle_write(f, b, zlevel, &e) < 0) { fprintf(stderr, "%s\n", e.msg); exit(1); }
    fclose(f);
    return (unsigned char *)buf;
}

/* Read path through rs_in (mmap = 0) or rs_bundle_load (mmap = 1). */
static int read_file(const char *p, int mmap, rs_bundle *b, rs_err *e)
{
    if (mmap) return rs_bundle_load(p, b, e);
    rs_in *in = rs_in_open(p, e);
    if (!in) return -1;
    int rc = rs_bundle_read(in, b, e);
    rs_in_close(in);
    return rc;
}

/* Through the file at path, which every test reuses. */
static int read_bytes(const char *path, const void *buf, size_t n, int mmap, rs_bundle *b,
                      rs_err *e)
{
    write_bytes(path, buf, n);
    return read_file(path, mmap, b, e);
}

static int same_block(const rs_block *a, const rs_block *b)
{
    return a && b && !strcmp(a->name, b->name) && a->dtype == b->dtype && a->rows == b->rows
        && a->cols == b->cols && a->size == b->size && !memcmp(a->data, b->data, a->size);
}

static int same_bundle(const rs_bundle *a, const rs_bundle *b)
{
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++)
        if (!same_block(&a->b[i], &b->b[i])) return 0;
    return 1;
}

/* One block of every dtype; "noise" is incompressible, the rest compress. */
static void sample(rs_bundle *b, size_t n, rs_rng *r)
{
    static const int types[] = { RS_U8, RS_I32, RS_U32, RS_I64, RS_U64, RS_F32, RS_F64 };
    static const char *const names[] = { "u8", "i32", "u32", "i64", "u64", "f32", "f64" };
    for (int t = 0; t < 7; t++) {
        size_t sz = rs_dtype_size(types[t]);
        unsigned char *d = rs_xmalloc(n * 3 * sz);
        for (size_t i = 0; i < n * 3; i++) {
            uint64_t v = i % 17;
            double f = (double)v / 4;
            float g = (float)f;
            const void *src = types[t] == RS_F32 ? (void *)&g : types[t] == RS_F64 ? (void *)&f : &v;
            memcpy(d + i * sz, src, sz);
        }
        rs_bundle_put(b, names[t], types[t], n, 3, d, 1);
    }
    uint64_t *noise = rs_xmalloc(n * 8);
    for (size_t i = 0; i < n; i++) noise[i] = rs_rng_u64(r);
    rs_bundle_put(b, "noise", RS_U64, n, 1, noise, 1);
    const char *s[] = { "alice", "", "bob", "carol with spaces", "\xc3\xa9t\xc3\xa9" };
    rs_bundle_put_strs(b, "users", s, 5);
    rs_meta_set(b, "kind", "test");
}

static void test_crc(tap *t, rs_rng *r)
{
    OK(t, rs_crc32c(0, "123456789", 9) == 0xE3069283u, "crc32c check value");
    OK(t, rs_crc32c_sw(0, "123456789", 9) == 0xE3069283u, "software crc32c check value");
    OK(t, rs_crc32c(0, "", 0) == 0, "crc32c of nothing is 0");
    unsigned char buf[1100];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)rs_rng_u64(r);
    int agree = 1, chain = 1;
    for (size_t off = 0; off < 9; off++)
        for (size_t len = 0; len + off <= sizeof buf; len += 1 + len / 3) {
            uint32_t c = rs_crc32c(0, buf + off, len);
            agree &= c == rs_crc32c_sw(0, buf + off, len);
            chain &= c == rs_crc32c(rs_crc32c(0, buf + off, len / 3), buf + off + len / 3,
                                    len - len / 3);
        }
    OK(t, agree, "hardware and software crc32c agree at every alignment and length");
    OK(t, chain, "crc32c continues across pieces");
}

static void test_round_trip(tap *t, rs_rng *r, const char *path)
{
    rs_bundle b = { 0 }, c = { 0 };
    rs_err e;
    sample(&b, 1000, r);
    for (int z = 0; z <= 3; z += 3) {
        size_t n;
        unsigned char *bytes = to_bytes(&b, z, &n);
        for (int m = 0; m <= 1; m++) {
            int rc = read_bytes(path, bytes, n, m, &c, &e);
            OK(t, rc == 0 && same_bundle(&b, &c), "round trip, zstd level %d, %s", z,
               m ? "mmap" : "stream");
            if (rc) printf("# %s\n", e.msg);
            if (m) {
                int borrowed = 0;
                for (size_t i = 0; i < c.n; i++) borrowed += !c.b[i].owned;
                const rs_block *noise = rs_bundle_get(&c, "noise"), *f64 = rs_bundle_get(&c, "f64");
                OK(t, c.map && (z ? !noise->owned && f64->owned : borrowed == (int)c.n),
                   "mmap borrows exactly the uncompressed payloads");
                OK(t, noise->comp == 0 && noise->stored == noise->size
                   && f64->comp == !!z && (z ? f64->stored < f64->size : f64->stored == f64->size),
                   "blocks tell how they were stored");
            }
            int aligned = 1;
            for (size_t i = 0; i < c.n; i++) aligned &= (uintptr_t)c.b[i].data % 8 == 0;
            OK(t, aligned, "payloads are 8-byte aligned");
            rs_bundle_free(&c);
        }
        if (z) {
            size_t plain;
            free(to_bytes(&b, 0, &plain));
            OK(t, n < plain, "compression shrinks the stream (%zu < %zu)", n, plain);
        }
        free(bytes);
    }

    /* A whole-file zstd stream goes through rs_in; bytes after the end block are not read. */
    size_t n;
    unsigned char *bytes = to_bytes(&b, 0, &n);
    size_t zcap = ZSTD_compressBound(n);
    unsigned char *zb = rs_xmalloc(zcap + 5);
    size_t zn = ZSTD_compress(zb, zcap, bytes, n, 1);
    char zpath[80];
    snprintf(zpath, sizeof zpath, "%s.zst", path);
    write_bytes(zpath, zb, zn);
    OK(t, rs_bundle_load(zpath, &c, &e) == 0 && same_bundle(&b, &c), "load a zstd-compressed file");
    rs_bundle_free(&c);
    unlink(zpath);
    bytes = rs_xrealloc(bytes, n + 5);
    memcpy(bytes + n, "junk\n", 5);
    for (int m = 0; m <= 1; m++) {
        OK(t, read_bytes(path, bytes, n + 5, m, &c, &e) == 0 && same_bundle(&b, &c),
           "bytes after the end block are ignored (%s)", m ? "mmap" : "stream");
        rs_bundle_free(&c);
    }
    free(zb);
    free(bytes);
    rs_bundle_free(&b);

    rs_bundle empty = { 0 };
    bytes = to_bytes(&empty, 0, &n);
    OK(t, n == 16 + 72 && read_bytes(path, bytes, n, 1, &c, &e) == 0 && c.n == 0 && !c.map,
       "an empty bundle is a header and an end block");
    rs_bundle_free(&c);
    free(bytes);
}

/* Bigger than rs_in's buffer, so reads cross refills. */
static void test_big(tap *t, const char *path)
{
    rs_bundle b = { 0 }, c = { 0 };
    rs_err e;
    size_t n = 3u << 20;
    float *v = rs_xmalloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = (float)(i % 1000);
    rs_bundle_put(&b, "values", RS_F32, n, 1, v, 1);
    for (int z = 0; z <= 1; z++) {
        FILE *f = fopen(path, "wb");
        OK(t, rs_bundle_write(f, &b, z, &e) == 0 && fclose(f) == 0, "write 12 MB (zstd %d)", z);
        OK(t, read_file(path, 0, &c, &e) == 0 && same_bundle(&b, &c),
           "stream it back (zstd %d)", z);
        rs_bundle_free(&c);
    }
    rs_bundle_free(&b);
}

static void test_streams_follow(tap *t, const char *path)
{
    rs_bundle a = { 0 }, b = { 0 }, x = { 0 }, y = { 0 };
    rs_err e;
    int32_t one[2] = { 1, 2 }, two[3] = { 3, 4, 5 };
    rs_bundle_put(&a, "x", RS_I32, 2, 1, one, 0);
    rs_bundle_put(&b, "x", RS_I32, 3, 1, two, 0);
    rs_bundle_put(&b, "y", RS_I32, 3, 1, two, 0);
    size_t na, nb;
    unsigned char *ba = to_bytes(&a, 0, &na), *bb = to_bytes(&b, 0, &nb);

    /* Two streams back to back: each read takes one. */
    unsigned char *cat = rs_xmalloc(na + nb);
    memcpy(cat, ba, na);
    memcpy(cat + na, bb, nb);
    write_bytes(path, cat, na + nb);
    rs_in *in = rs_in_open(path, &e);
    int ok = in && rs_bundle_read(in, &x, &e) == 0 && rs_bundle_read(in, &y, &e) == 0;
    OK(t, ok && same_bundle(&a, &x) && same_bundle(&b, &y), "two streams back to back");
    rs_in_close(in);
    rs_bundle_free(&x);
    rs_bundle_free(&y);

    /* a without its end block, b's block x, b's end block (which counts 2). */
    size_t blk_b_x = 72 + 16;   /* block x of b: 12 bytes of payload + 4 of padding */
    size_t n = na - 72;
    memcpy(cat, ba, n);
    memcpy(cat + n, bb + 16, blk_b_x);
    n += blk_b_x;
    memcpy(cat + n, bb + nb - 72, 72);
    n += 72;
    OK(t, read_bytes(path, cat, n, 0, &x, &e) == 0 && x.n == 1 && same_block(&x.b[0], &b.b[0]),
       "a later block replaces an earlier one of the same name");
    rs_bundle_free(&x);

    /* A whole block lost (checksums intact) is caught by the end block's count. */
    n = 16 + blk_b_x;
    memcpy(cat, bb, n);
    memcpy(cat + n, bb + nb - 72, 72);
    OK(t, read_bytes(path, cat, n + 72, 0, &x, &e) < 0
       && strstr(e.msg, "end block counts 2 blocks, found 1"),
       "a missing block: %s", e.msg);
    rs_bundle_free(&x);
    free(cat);
    free(ba);
    free(bb);
    rs_bundle_free(&a);
    rs_bundle_free(&b);
}

/* Reading bytes cut at every point (and, with flip_step 1, each byte flipped
 * in turn) must fail, naming the file. */
static void damage(tap *t, rs_rng *r, const char *path, const rs_bundle *b, int z, int mmap,
                   size_t flip_step)
{
    rs_bundle c = { 0 };
    rs_err e;
    size_t n;
    unsigned char *bytes = to_bytes(b, z, &n);
    const char *how = mmap ? (z ? "mmap, zstd" : "mmap") : (z ? "stream, zstd" : "stream");
    long bad_cut = -1, bad_flip = -1;
    for (size_t cut = 0; cut < n && bad_cut < 0; cut++) {
        if (read_bytes(path, bytes, cut, mmap, &c, &e) == 0 || strncmp(e.msg, path, strlen(path)))
            bad_cut = (long)cut;
        rs_bundle_free(&c);
    }
    OK(t, bad_cut < 0, "every cut of a %zu-byte stream fails (%s)", n, how);
    if (bad_cut >= 0) printf("# cut at %ld succeeded or its message lacks the name\n", bad_cut);
    for (size_t i = 0; i < n && bad_flip < 0; i += flip_step) {
        unsigned char keep = bytes[i];
        bytes[i] ^= (unsigned char)(1u << rs_rng_below(r, 8));
        if (read_bytes(path, bytes, n, mmap, &c, &e) == 0) bad_flip = (long)i;
        bytes[i] = keep;
        rs_bundle_free(&c);
    }
    OK(t, bad_flip < 0, "every %s byte flipped fails (%s)", flip_step == 1 ? "single" : "9th", how);
    if (bad_flip >= 0) printf("# flip at %ld went unnoticed\n", bad_flip);
    free(bytes);
}

static void test_damage(tap *t, rs_rng *r, const char *path)
{
    rs_bundle b = { 0 }, c = { 0 };
    rs_err e;
    uint32_t idx[3] = { 1, 2, 3 }, zeros[16] = { 0 };    /* zstd shrinks only zeros */
    const char *s[] = { "a", "bc" };
    rs_bundle_put(&b, "indices", RS_U32, 3, 1, idx, 0);
    rs_bundle_put_strs(&b, "items", s, 2);
    rs_bundle_put(&b, "zeros", RS_U32, 16, 1, zeros, 0);
    /* The paths differ only in how bytes arrive; the stream path, which
     * costs an rs_in per try, gets every cut but only every 9th flip. */
    damage(t, r, path, &b, 0, 0, 9);
    damage(t, r, path, &b, 0, 1, 1);
    damage(t, r, path, &b, 19, 1, 1);
    size_t n;
    unsigned char *bytes = to_bytes(&b, 0, &n);
    OK(t, read_bytes(path, bytes, n - 1, 0, &c, &e) < 0
       && strstr(e.msg, "truncated rs binary stream: block header at byte"),
       "truncation: %s", e.msg);
    OK(t, read_bytes(path, bytes, 95, 0, &c, &e) < 0
       && strstr(e.msg, "truncated rs binary stream: block 'indices' declares 12 bytes but the stream ends after 7"),
       "truncation: %s", e.msg);
    OK(t, read_bytes(path, bytes, 100, 0, &c, &e) < 0
       && strstr(e.msg, "padding after block 'indices' ends after 0 of 4 bytes"),
       "truncation: %s", e.msg);
    free(bytes);
    rs_bundle_free(&b);
}

static void test_messages(tap *t, const char *path)
{
    rs_bundle b = { 0 };
    rs_err e;
    const char *what = "a matrix from rs-index";
    struct { const char *bytes; size_t n; const char *want; } cases[] = {
        { "u1\ti1\t5\n", 8, "this is text, not an rs binary: expected a matrix from "
          "rs-index (hint: pipe canonical TSV through rs-index first)" },
        { "", 0, "empty input: expected a matrix from rs-index" },
        { "\x01\x02\x03\0garbage", 11, "not an rs binary stream (bad magic)" },
        { "\x89RSB\r\n", 6, "truncated rs binary stream: header ends after 6 of 16 bytes" },
        { "\x89RSB\r\n\x1a\n\x02\0\0\0\0\0\0\0", 16, "unsupported rs binary version 2" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        write_bytes(path, cases[i].bytes, cases[i].n);
        rs_in *in = rs_in_open(path, &e);
        int rc = rs_bundle_read_expect(in, &b, what, &e);
        OK(t, rc < 0 && !strncmp(e.msg, path, strlen(path)) && strstr(e.msg, cases[i].want),
           "message: %s", rc < 0 ? e.msg : "(none)");
        rs_in_close(in);
        rs_bundle_free(&b);
    }
}

static void test_bundle_ops(tap *t)
{
    rs_bundle b = { 0 };
    rs_err e;
    float *f = rs_xmalloc(6 * sizeof *f);
    for (int i = 0; i < 6; i++) f[i] = (float)i;
    rs_bundle_put(&b, "item_factors", RS_F32, 3, 2, f, 1);
    rs_bundle_put(&b, "other", RS_U8, 1, 1, "x", 0);
    float *g = rs_xmalloc(4 * sizeof *g);
    rs_block *blk = rs_bundle_put(&b, "item_factors", RS_F32, 2, 2, g, 1);
    OK(t, b.n == 2 && blk == &b.b[0] && blk->data == g && blk->size == 16,
       "put replaces in place (and frees the old data)");
    OK(t, rs_bundle_get(&b, "nope") == NULL, "get of a missing block is NULL");
    OK(t, rs_bundle_need(&b, "item_factors", RS_F32, 2, 2, &e) == blk, "need: right block");
    OK(t, rs_bundle_need(&b, "item_factors", RS_F32, 0, 2, &e) == blk, "need: rows 0 is any");
    OK(t, !rs_bundle_need(&b, "user_factors", RS_F32, 0, 0, &e)
       && strstr(e.msg, "missing block 'user_factors'"), "need: %s", e.msg);
    OK(t, !rs_bundle_need(&b, "item_factors", RS_F64, 0, 0, &e)
       && strstr(e.msg, "holds f32 values, expected f64"), "need: %s", e.msg);
    OK(t, !rs_bundle_need(&b, "item_factors", RS_F32, 0, 3, &e)
       && strstr(e.msg, "is 2x2, expected *x3"), "need: %s", e.msg);
    rs_bundle_remove(&b, "item_factors");
    rs_bundle_remove(&b, "nope");
    OK(t, b.n == 1 && !strcmp(b.b[0].name, "other"), "remove");

    OK(t, rs_meta_get(&b, "kind") == NULL, "no meta, no value");
    rs_meta_set(&b, "kind", "model");
    rs_meta_set(&b, "k", "50");
    rs_meta_set(&b, "kind", "svd model");
    const rs_block *m = rs_bundle_get(&b, "meta");
    OK(t, m && m->rows == 2 && !strcmp(m->data, "kind=svd model"), "meta replaces in place");
    OK(t, rs_meta_get(&b, "kind") && !strcmp(rs_meta_get(&b, "kind"), "svd model")
       && !strcmp(rs_meta_get(&b, "k"), "50") && !rs_meta_get(&b, "kin"), "meta get");
    OK(t, !rs_bundle_need(&b, "user_factors", RS_F32, 0, 0, &e)
       && strstr(e.msg, "kind svd model"), "need names the input's kind: %s", e.msg);

    const char *s[] = { "", "x", "yz" };
    blk = rs_bundle_put_strs(&b, "users", s, 3);
    const char **v = rs_block_strs(blk);
    OK(t, blk->size == 6 && !strcmp(v[0], "") && !strcmp(v[1], "x") && !strcmp(v[2], "yz"),
       "strings block");
    free(v);
    blk = rs_bundle_put(&b, "ids", RS_STR, 2, 0, "ab\0c", 0);
    OK(t, blk->size == 5 && blk->cols == 1, "put of a strings block measures it");
    rs_bundle_free(&b);
    OK(t, b.n == 0 && b.b == NULL, "free empties the bundle");
}

int main(void)
{
    tap t = { 0 };
    rs_rng r;
    rs_rng_seed(&r, 42);
    char dir[] = "/tmp/rs-test-fmt-XXXXXX", path[64];
    if (!mkdtemp(dir)) { perror(dir); return 1; }
    snprintf(path, sizeof path, "%s/b.rs", dir);
    test_crc(&t, &r);
    test_round_trip(&t, &r, path);
    test_big(&t, path);
    test_streams_follow(&t, path);
    test_damage(&t, &r, path);
    test_messages(&t, path);
    test_bundle_ops(&t);
    unlink(path);
    rmdir(dir);
    return tap_done(&t);
}
