/* io.h: input streams (files, stdin, transparent zstd) and safe outputs.
 *
 * rs_in reads a file or stdin through its own buffer.  A file named *.zst,
 * or any stream that starts with the zstd magic number, is decompressed on
 * the fly, so `rs-filter ratings.csv.zst` and `zstd -c x | rs-index` work.
 * Nothing ever seeks: every stream may be a pipe.
 *
 * rs_out writes stdout or -o FILE.  A named file is written to a temporary
 * file beside it and renamed only by a successful rs_out_close, so a failed
 * run never leaves half a file under the real name.  A path that is a
 * device or FIFO (/dev/null, a named pipe) is written in place instead.  Binary output to a
 * terminal is refused. */
#ifndef RS_IO_H
#define RS_IO_H
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>
#include "common/err.h"

typedef struct rs_in rs_in;

/* path NULL or "-" means stdin (named "(stdin)" in messages). */
rs_in *rs_in_open(const char *path, rs_err *e);
/* The n bytes at data (copied; zstd-compressed or not) as a stream called
 * name: for tests and fuzzing, which would otherwise need a file per input.
 * It is not a regular file: rs_in_region says 0. */
rs_in *rs_in_open_mem(const char *name, const void *data, size_t n);
void rs_in_close(rs_in *in);
const char *rs_in_name(const rs_in *in);

/* Make at least n bytes visible at *p without consuming them; returns how
 * many are (fewer only at end of stream), or -1 on a read error. n <= 64k. */
ssize_t rs_in_peek(rs_in *in, const unsigned char **p, size_t n, rs_err *e);
/* Read exactly n bytes unless the stream ends; returns bytes read or -1. */
ssize_t rs_in_read(rs_in *in, void *buf, size_t n, rs_err *e);
/* Next line without its "\n" (and without a trailing "\r"), NUL-terminated,
 * valid until the next call; writable in place.  Returns 1, 0 at end, -1 on
 * error (including a NUL byte in text, or a line over 1 MiB). */
int rs_in_getline(rs_in *in, char **line, size_t *len, rs_err *e);
/* Number of the line last returned by rs_in_getline (1-based). */
uint64_t rs_in_lineno(const rs_in *in);
/* When in is an uncompressed regular file (named, or stdin redirected from
 * one): 1, with its descriptor and the file offsets of the next unread byte
 * and of the end, so that threads can pread() parts of the rest themselves.
 * 0 for pipes, terminals and zstd streams.  in itself is not advanced. */
int rs_in_region(const rs_in *in, int *fd, off_t *from, off_t *to);

typedef struct rs_out rs_out;

/* path NULL or "-" means stdout.  binary: refuse a terminal. */
rs_out *rs_out_open(const char *path, int binary, rs_err *e);
FILE *rs_out_file(rs_out *o);
/* Flush, check every write, fsync-free rename into place.  -1 on error
 * (e.g. a full disk), in which case the temporary file is removed. */
int rs_out_close(rs_out *o, rs_err *e);
/* Give up: remove the temporary file, close without renaming. */
void rs_out_abort(rs_out *o);

/* Fast text output: append to f without printf's parsing cost. */
void rs_put_u64(FILE *f, uint64_t v);
void rs_put_i64(FILE *f, int64_t v);
/* Shortest of %.6g style for ratings and scores ("4", "3.5", "0.123457"). */
void rs_put_g(FILE *f, double v);

#endif
