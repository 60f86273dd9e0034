/* io.h: input streams (files, stdin, transparent zstd) and safe outputs.
 *
 * rs_in reads a file or stdin through its own buffer.  A file named *.zst,
 * or any stream that starts with the zstd magic number, is decompressed on
 * the fly, so `rs-filter ratings.csv.zst` and `zstd -c x | rs-index` work.
 * A UTF-8 byte order mark at the start of the (decoded) stream is dropped,
 * so no reader takes it for part of the first id.
 * Nothing ever seeks: every stream may be a pipe.
 *
 * rs_out writes stdout or -o FILE.  A named file is written to a temporary
 * file beside it and renamed only by a successful close, so a failed run
 * never leaves half a file under the real name.  A path that is a device or
 * FIFO (/dev/null, a named pipe) is written in place instead; a symbolic
 * link is written through (the file it points to is replaced, the link
 * stays), as cp and sort -o do.  Binary output to a terminal is refused.
 *
 * Every output of a run belongs to one rs_outset, and so do its inputs:
 *   - an output that is an input, or another output (the same device and
 *     inode, or the same path once links and the folder are resolved,
 *     whatever the names say) is refused with RS_EUSAGE before anything
 *     is written;
 *   - closing the set flushes and checks every output first and renames
 *     the temporary files only when all are complete, so a pair (training
 *     and test rows) is never half new;
 *   - a failure, exit() or a signal (SIGINT, SIGTERM, SIGHUP; SIGPIPE when
 *     standard output's reader left) removes every temporary file.  After
 *     that cleanup SIGPIPE ends the process quietly with status 0 (the
 *     reader did not want more); the others end it as the signal would.
 *     A signal ignored on entry stays ignored (nohup, background jobs).
 *
 * The signal handler needs process-wide state; it is kept to one fixed
 * registry of the live temporary files in io.c, the only global mutable
 * state in rs (with its twin, the registry of mapped inputs that rs_map
 * keeps for SIGBUS).  rs_outset_new installs the handlers (once). */
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

/* Map len bytes of fd from off (a multiple of the page size) read-only,
 * as the file called name; NULL when it cannot be (the caller reads the
 * file instead).  While it is mapped, a page that another process
 * truncated away ends the program when touched, on any thread, as a data
 * error: "PROG: NAME: the file shrank while it was being read (another
 * process truncated or rewrote it)" on stderr, the temporary files of the
 * outputs removed, exit status 1 (a signal handler for SIGBUS, installed
 * by the first call; a SIGBUS elsewhere crashes as before).  Unmap with
 * rs_unmap, never munmap. */
void *rs_map(int fd, off_t off, size_t len, const char *name);
void rs_unmap(void *p, size_t len);

typedef struct rs_out rs_out;
typedef struct rs_outset rs_outset;

rs_outset *rs_outset_new(void);
/* An input of the run (path NULL or "-": stdin), named in messages as
 * "NAME PATH" ("the input x.tsv", "--ids-from m.rsm") or "standard input".
 * Only regular files are remembered; -1 when it is an output already open. */
int rs_outset_input(rs_outset *s, const char *name, const char *path, rs_err *e);
/* An output: path NULL or "-" means stdout; what names the option in
 * messages ("-o", "-t").  binary: refuse a terminal. */
rs_out *rs_outset_open(rs_outset *s, const char *what, const char *path, int binary, rs_err *e);
/* Flush and check every output, then rename all into place; -1 on any
 * error (e.g. a full disk), in which case every temporary file is removed.
 * A reader that left (EPIPE) gives -1 with an empty message.  Frees s. */
int rs_outset_close(rs_outset *s, rs_err *e);
/* 1 when o writes as it goes (stdout or a FIFO, not a regular file):
 * nothing written there can be taken back. */
int rs_out_is_stream(const rs_out *o);
/* Check and rename into place the files of s now, leaving its streams
 * open: for a later stage of a pipe that opens a file as soon as our
 * stream starts.  On failure s is aborted and freed, as by close. */
int rs_outset_commit_files(rs_outset *s, rs_err *e);
/* Give up: remove every temporary file, close without renaming; frees s. */
void rs_outset_abort(rs_outset *s);

/* An output in a set of its own (no inputs to compare with). */
rs_out *rs_out_open(const char *path, int binary, rs_err *e);
FILE *rs_out_file(rs_out *o);
/* The path as given, or "(stdout)". */
const char *rs_out_name(const rs_out *o);
/* Flush o and say whether every write so far went through: -1 with
 * "NAME: write error: why" (empty when the reader left) if not. */
int rs_out_check(rs_out *o, rs_err *e);
/* rs_outset_close and rs_outset_abort of o's whole set (o may be NULL). */
int rs_out_close(rs_out *o, rs_err *e);
void rs_out_abort(rs_out *o);

/* Fast text output: append to f without printf's parsing cost. */
void rs_put_u64(FILE *f, uint64_t v);
void rs_put_i64(FILE *f, int64_t v);
/* The shortest text that reads back to the same double / float (common/num.h):
 * "4", "3.5", "0.1", "4.0000001".  Values kept as float (scores, matrix
 * values) go through rs_put_f32, or their widening would print 17 digits. */
void rs_put_g(FILE *f, double v);
void rs_put_f32(FILE *f, float v);

#endif
