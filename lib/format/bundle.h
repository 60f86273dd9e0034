/* bundle.h: the rs binary container (documented in man/rs-format.5).
 *
 * A stream is a 16-byte header followed by typed, named blocks and an end
 * block; every block header and payload carries a CRC-32C, and the end
 * block counts the blocks, so truncation and corruption are detected while
 * streaming through a pipe.  Payloads start 8-byte aligned, so an
 * uncompressed file can be used straight from mmap.
 *
 * A bundle is the in-memory set of blocks.  Programs pass bundles along a
 * pipe and add to them: rs-index writes the matrix blocks, a model program
 * adds its parameters and keeps the rest, rs-recommend finds everything it
 * needs in one stream.  Block names in use are listed in man/rs-format.5. */
#ifndef RS_BUNDLE_H
#define RS_BUNDLE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "common/err.h"
#include "common/io.h"

#define RS_MAGIC "\x89RSB\r\n\x1a\n"   /* 8 bytes, like PNG: catches text-mode mangling */
#define RS_FORMAT_VERSION 1
#define RS_NAME_MAX 24                 /* bytes in a block name, NUL padding */

enum rs_dtype { RS_U8 = 1, RS_I32, RS_U32, RS_I64, RS_U64, RS_F32, RS_F64,
                RS_STR /* rows NUL-terminated strings, cols = 1 */ };

typedef struct rs_block {
    char name[RS_NAME_MAX + 1];
    int dtype;
    uint64_t rows, cols;    /* shape; for RS_STR rows = count of strings */
    void *data;
    size_t size;            /* bytes of data */
    int owned;              /* free data with the bundle */
    uint64_t stored;        /* as read: payload bytes in the stream (0 if not read) */
    int comp;               /* as read: 1 if the payload was zstd-compressed */
} rs_block;

typedef struct rs_bundle {
    rs_block *b;
    size_t n, cap;
    void *map;              /* mmap of the whole file, when loaded that way */
    size_t maplen;
} rs_bundle;

size_t rs_dtype_size(int dtype);  /* 0 for RS_STR */

/* Read a whole bundle from a stream (which must start with the magic). */
int rs_bundle_read(rs_in *in, rs_bundle *b, rs_err *e);
/* Load a file: mmap when it is a regular, uncompressed file, else read. */
int rs_bundle_load(const char *path, rs_bundle *b, rs_err *e);
/* The same, with rs_bundle_read_expect's hint when the input is not an
 * rs binary stream.  what: e.g. "a matrix from rs-index". */
int rs_bundle_load_expect(const char *path, rs_bundle *b, const char *what, rs_err *e);
/* Write all blocks; zlevel 0 = no compression, else zstd level per block. */
int rs_bundle_write(FILE *f, const rs_bundle *b, int zlevel, rs_err *e);
void rs_bundle_free(rs_bundle *b);

rs_block *rs_bundle_get(const rs_bundle *b, const char *name);
/* Like get, but checks dtype and shape (rows or cols 0 = any) and fills e if wrong. */
rs_block *rs_bundle_need(const rs_bundle *b, const char *name, int dtype,
                         uint64_t rows, uint64_t cols, rs_err *e);
/* Add or replace a block; with owned the bundle frees data. Returns it. */
rs_block *rs_bundle_put(rs_bundle *b, const char *name, int dtype,
                        uint64_t rows, uint64_t cols, void *data, int owned);
void rs_bundle_remove(rs_bundle *b, const char *name);

/* A seekable file's blocks without their payloads, for a reader that
 * wants parts of a block (rs-svd-mpi reads only its chunks of the matrix,
 * format/chunks.h): every header is checked as a whole read checks it. */
typedef struct rs_bundle_entry {
    rs_block blk;           /* the header: name, dtype, shape, size, stored, comp; no data */
    uint64_t at;            /* the payload's byte offset in the file */
    uint32_t crc;           /* the payload's CRC-32C */
} rs_bundle_entry;

typedef struct rs_bundle_dir {
    const char *path;
    int fd;
    rs_bundle_entry *ent;
    size_t n, cap;
} rs_bundle_dir;

int rs_bundle_dir_open(const char *path, rs_bundle_dir *d, rs_err *e);
void rs_bundle_dir_close(rs_bundle_dir *d);
const rs_bundle_entry *rs_bundle_dir_find(const rs_bundle_dir *d, const char *name);
/* Block name whole, checked (checksum, decompression) as a read would, into b. */
int rs_bundle_dir_read(const rs_bundle_dir *d, const char *name, rs_bundle *b, rs_err *e);
/* Bytes [from, from + n) of an uncompressed block's payload into buf; its
 * checksum covers the whole payload, so checking the part is the caller's. */
int rs_bundle_dir_pread(const rs_bundle_dir *d, const rs_bundle_entry *ent, void *buf,
                        uint64_t from, uint64_t n, rs_err *e);
/* Write as rs_bundle_write would the bundle made of d's blocks that keep
 * accepts, in d's order, with b's block of the same name in place of the
 * file's, then b's other blocks: the file's payloads are copied in pieces
 * (memory does not grow with them), each checksum checked on the way. */
int rs_bundle_write_over(FILE *f, const rs_bundle_dir *d, int (*keep)(const char *name),
                         const rs_bundle *b, int zlevel, rs_err *e);

/* Strings blocks: build from an array, and index one (ptrs[i] -> i-th). */
rs_block *rs_bundle_put_strs(rs_bundle *b, const char *name,
                             const char *const *s, uint64_t n);
const char **rs_block_strs(const rs_block *blk);   /* malloc'd; caller frees */

/* "meta": a strings block of key=value pairs (kind, algorithm, options). */
const char *rs_meta_get(const rs_bundle *b, const char *key);
void rs_meta_set(rs_bundle *b, const char *key, const char *value);

/* 1 if the stream starts with the rs binary magic, 0 if not, -1 on error. */
int rs_in_is_binary(rs_in *in, rs_err *e);

/* For inputs that must be binary: a clear error with a hint when the
 * stream is text (or empty).  what: e.g. "a matrix from rs-index". */
int rs_bundle_read_expect(rs_in *in, rs_bundle *b, const char *what, rs_err *e);

#endif
