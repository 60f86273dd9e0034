#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>
#include "common/io.h"

#define BUF_CAP   (4u << 20)    /* decoded bytes buffered */
#define LINE_MAX_ (1u << 20)    /* longest text line accepted */
#define PEEK_MAX  (64u << 10)

struct rs_in {
    int fd, own_fd;
    char *name;
    unsigned char *buf;
    size_t pos, end;
    int eof;
    ZSTD_DStream *zs;           /* non-NULL when the stream is zstd */
    unsigned char *raw;
    size_t rawpos, rawend, rawcap;
    int raweof;
    size_t zhint;               /* last ZSTD_decompressStream return: 0 = at frame end */
    uint64_t lineno;
};

static ssize_t read_fd(int fd, void *p, size_t n)
{
    for (;;) {
        ssize_t r = read(fd, p, n);
        if (r >= 0 || errno != EINTR) return r;
    }
}

/* Pipes between rs stages carry hundreds of megabytes; the default 64 KiB
 * pipe buffer makes the two ends switch thousands of times a second.  Ask
 * for 1 MiB (the unprivileged maximum); a refusal changes nothing. */
static void widen_pipe(int fd)
{
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) fcntl(fd, F_SETPIPE_SZ, 1 << 20);
}

static int io_error(rs_in *in, rs_err *e)
{
    return rs_errf(e, RS_EDATA, "%s: read error: %s", in->name, strerror(errno));
}

/* Fill raw[] with at least one more byte from the descriptor unless at EOF. */
static int fill_raw(rs_in *in, rs_err *e)
{
    if (in->rawpos > 0 && in->rawpos == in->rawend) in->rawpos = in->rawend = 0;
    if (in->raweof || in->rawend == in->rawcap) return 0;
    ssize_t r = read_fd(in->fd, in->raw + in->rawend, in->rawcap - in->rawend);
    if (r < 0) return io_error(in, e);
    if (r == 0) in->raweof = 1;
    in->rawend += (size_t)r;
    return 0;
}

/* Append decoded bytes to buf[end..]; sets eof when nothing more will come. */
static int fill(rs_in *in, rs_err *e)
{
    if (in->pos > 0) {
        memmove(in->buf, in->buf + in->pos, in->end - in->pos);
        in->end -= in->pos;
        in->pos = 0;
    }
    while (!in->eof && in->end < BUF_CAP) {
        size_t before = in->end;
        if (!in->zs) {
            ssize_t r = read_fd(in->fd, in->buf + in->end, BUF_CAP - in->end);
            if (r < 0) return io_error(in, e);
            if (r == 0) in->eof = 1;
            in->end += (size_t)r;
        } else {
            if (in->rawpos == in->rawend) {
                if (fill_raw(in, e) < 0) return -1;
                if (in->rawpos == in->rawend) {
                    if (in->zhint != 0)
                        return rs_errf(e, RS_EDATA, "%s: truncated zstd stream", in->name);
                    in->eof = 1;
                    break;
                }
            }
            ZSTD_inBuffer zi = { in->raw, in->rawend, in->rawpos };
            ZSTD_outBuffer zo = { in->buf, BUF_CAP, in->end };
            size_t rc = ZSTD_decompressStream(in->zs, &zo, &zi);
            if (ZSTD_isError(rc))
                return rs_errf(e, RS_EDATA, "%s: corrupt zstd stream: %s",
                               in->name, ZSTD_getErrorName(rc));
            in->zhint = rc;
            in->rawpos = zi.pos;
            in->end = zo.pos;
        }
        if (in->end > before) break;    /* some progress: let the caller look */
    }
    return 0;
}

rs_in *rs_in_open(const char *path, rs_err *e)
{
    int fd = 0, own = 0;
    if (path && strcmp(path, "-") != 0) {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            rs_errf(e, RS_EDATA, "%s: %s", path, strerror(errno));
            return NULL;
        }
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            close(fd);
            rs_errf(e, RS_EDATA, "%s: is a directory", path);
            return NULL;
        }
        own = 1;
    }
    widen_pipe(fd);
    rs_in *in = rs_xcalloc(1, sizeof *in);
    in->fd = fd;
    in->own_fd = own;
    in->name = rs_xstrdup(own ? path : "(stdin)");
    in->buf = rs_xmalloc(BUF_CAP + 1);
    in->rawcap = 1u << 20;
    in->raw = rs_xmalloc(in->rawcap);
    /* Sniff the zstd magic on the raw bytes, whatever the file is called. */
    while (in->rawend < 4 && !in->raweof)
        if (fill_raw(in, e) < 0) { rs_in_close(in); return NULL; }
    static const unsigned char zmagic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
    if (in->rawend >= 4 && memcmp(in->raw, zmagic, 4) == 0) {
        in->zs = ZSTD_createDStream();
        if (!in->zs) rs_xmalloc((size_t)-1);
        ZSTD_initDStream(in->zs);
        in->zhint = 1;
    } else {
        memcpy(in->buf, in->raw, in->rawend);  /* plain: hand the sniffed bytes over */
        in->end = in->rawend;
        in->rawpos = in->rawend = 0;
        free(in->raw);
        in->raw = NULL;
        in->eof = in->raweof;
    }
    return in;
}

rs_in *rs_in_open_mem(const char *name, const void *data, size_t n)
{
    static const unsigned char zmagic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
    rs_in *in = rs_xcalloc(1, sizeof *in);
    in->fd = -1;
    in->name = rs_xstrdup(name);
    in->eof = in->raweof = 1;
    if (n >= 4 && memcmp(data, zmagic, 4) == 0) {
        /* The bytes are the raw side of an ended descriptor: fill() decodes. */
        in->buf = rs_xmalloc(BUF_CAP + 1);
        in->raw = rs_xmalloc(n);
        memcpy(in->raw, data, n);
        in->rawend = in->rawcap = n;
        in->zs = ZSTD_createDStream();
        if (!in->zs) rs_xmalloc((size_t)-1);
        ZSTD_initDStream(in->zs);
        in->zhint = 1;
        in->eof = 0;
    } else {
        /* All of it already buffered, with getline's spare byte. */
        in->buf = rs_xmalloc(n + 1);
        if (n) memcpy(in->buf, data, n);
        in->end = n;
    }
    return in;
}

void rs_in_close(rs_in *in)
{
    if (!in) return;
    if (in->own_fd) close(in->fd);
    if (in->zs) ZSTD_freeDStream(in->zs);
    free(in->raw);
    free(in->buf);
    free(in->name);
    free(in);
}

const char *rs_in_name(const rs_in *in) { return in->name; }

int rs_in_region(const rs_in *in, int *fd, off_t *from, off_t *to)
{
    struct stat st;
    if (in->zs || fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    off_t cur = lseek(in->fd, 0, SEEK_CUR);
    if (cur < 0) return 0;
    *fd = in->fd;
    *from = cur - (off_t)(in->end - in->pos);   /* read from the file, not yet consumed */
    *to = st.st_size;
    return *from >= 0 && *from <= *to;
}
uint64_t rs_in_lineno(const rs_in *in) { return in->lineno; }

ssize_t rs_in_peek(rs_in *in, const unsigned char **p, size_t n, rs_err *e)
{
    if (n > PEEK_MAX) n = PEEK_MAX;
    while (in->end - in->pos < n && !in->eof)
        if (fill(in, e) < 0) return -1;
    *p = in->buf + in->pos;
    size_t have = in->end - in->pos;
    return (ssize_t)(have < n ? have : n);
}

ssize_t rs_in_read(rs_in *in, void *buf, size_t n, rs_err *e)
{
    unsigned char *out = buf;
    size_t got = 0;
    while (got < n) {
        if (in->pos == in->end) {
            if (in->eof) break;
            if (fill(in, e) < 0) return -1;
            continue;
        }
        size_t k = in->end - in->pos;
        if (k > n - got) k = n - got;
        memcpy(out + got, in->buf + in->pos, k);
        in->pos += k;
        got += k;
    }
    return (ssize_t)got;
}

int rs_in_getline(rs_in *in, char **line, size_t *len, rs_err *e)
{
    size_t scanned = 0;
    for (;;) {
        unsigned char *start = in->buf + in->pos;
        size_t avail = in->end - in->pos;
        unsigned char *nl = memchr(start + scanned, '\n', avail - scanned);
        if (nl || (in->eof && avail > 0)) {
            size_t n = nl ? (size_t)(nl - start) : avail;
            in->pos += nl ? n + 1 : n;
            if (n > 0 && start[n - 1] == '\r') n--;
            start[n] = '\0';    /* buf has one spare byte past BUF_CAP */
            in->lineno++;
            if (memchr(start, '\0', n))
                return rs_errf(e, RS_EDATA, "%s: line %llu: NUL byte in text (is this a binary file?)",
                               in->name, (unsigned long long)in->lineno);
            *line = (char *)start;
            *len = n;
            return 1;
        }
        if (in->eof) return 0;
        if (avail >= LINE_MAX_)
            return rs_errf(e, RS_EDATA, "%s: line %llu: longer than %u bytes",
                           in->name, (unsigned long long)in->lineno + 1, LINE_MAX_);
        scanned = avail;
        if (fill(in, e) < 0) return -1;
    }
}


struct rs_out {
    FILE *f;
    char *path, *tmp;
    int direct;     /* path is not a regular file: written in place, closed by us */
};

rs_out *rs_out_open(const char *path, int binary, rs_err *e)
{
    rs_out *o = rs_xcalloc(1, sizeof *o);
    if (!path || strcmp(path, "-") == 0) {
        if (binary && isatty(STDOUT_FILENO)) {
            free(o);
            rs_errf(e, RS_EUSAGE, "refusing to write binary data to a terminal "
                    "(redirect it, pipe it, or use -o FILE)");
            return NULL;
        }
        o->f = stdout;
        if (!isatty(STDOUT_FILENO)) setvbuf(stdout, NULL, _IOFBF, 1u << 20);
        widen_pipe(STDOUT_FILENO);
        return o;
    }
    o->path = rs_xstrdup(path);
    /* A device or FIFO (-o /dev/null, -o /dev/stderr, a named pipe) is
     * written in place: renaming a temporary file over it would replace
     * the device with a plain file. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        int fd = S_ISDIR(st.st_mode) ? -1 : open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || (binary && isatty(fd))) {
            if (fd < 0) rs_errf(e, RS_EDATA, "%s: cannot write: %s", path,
                                S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno));
            else rs_errf(e, RS_EUSAGE, "%s: refusing to write binary data to a terminal", path);
            if (fd >= 0) close(fd);
            free(o->path); free(o);
            return NULL;
        }
        o->f = fdopen(fd, "w");
        o->direct = 1;
        setvbuf(o->f, NULL, _IOFBF, 1u << 20);
        return o;
    }
    size_t n = strlen(path);
    o->tmp = rs_xmalloc(n + 16);
    memcpy(o->tmp, path, n);
    memcpy(o->tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        rs_errf(e, RS_EDATA, "%s: cannot create: %s", path, strerror(errno));
        free(o->tmp); free(o->path); free(o);
        return NULL;
    }
    mode_t mask = umask(0);   /* mkstemp makes 0600; give the file a normal mode */
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    o->f = fdopen(fd, "w");
    setvbuf(o->f, NULL, _IOFBF, 1u << 20);
    return o;
}

FILE *rs_out_file(rs_out *o) { return o->f; }

int rs_out_close(rs_out *o, rs_err *e)
{
    int rc = 0;
    const char *name = o->path ? o->path : "(stdout)";
    if (fflush(o->f) != 0 || ferror(o->f)) {
        if (errno == EPIPE) rs_errf(e, RS_EDATA, "%s", "");   /* reader left: say nothing */
        else rs_errf(e, RS_EDATA, "%s: write error: %s", name, strerror(errno));
        rc = -1;
    }
    if (o->tmp || o->direct) {
        if (fclose(o->f) != 0 && rc == 0)
            rc = rs_errf(e, RS_EDATA, "%s: write error: %s", name, strerror(errno));
    }
    if (o->tmp) {
        if (rc == 0 && rename(o->tmp, o->path) != 0)
            rc = rs_errf(e, RS_EDATA, "%s: cannot rename into place: %s", name, strerror(errno));
        if (rc != 0) unlink(o->tmp);
    }
    free(o->tmp); free(o->path); free(o);
    return rc;
}

void rs_out_abort(rs_out *o)
{
    if (!o) return;
    if (o->tmp) { fclose(o->f); unlink(o->tmp); }
    else if (o->direct) fclose(o->f);
    else fflush(o->f);
    free(o->tmp); free(o->path); free(o);
}

void rs_put_u64(FILE *f, uint64_t v)
{
    char b[24], *p = b + sizeof b;
    do { *--p = (char)('0' + v % 10); v /= 10; } while (v);
    fwrite_unlocked(p, 1, (size_t)(b + sizeof b - p), f);
}

void rs_put_i64(FILE *f, int64_t v)
{
    if (v < 0) { putc_unlocked('-', f); rs_put_u64(f, -(uint64_t)v); }
    else rs_put_u64(f, (uint64_t)v);
}

void rs_put_g(FILE *f, double v)
{
    /* Ratings are mostly whole or half numbers: print those without printf. */
    double h = v * 2;
    if (v > -1e15 && v < 1e15 && h == (double)(int64_t)h) {   /* range first: the cast is UB outside */
        int64_t w = (int64_t)h;
        if (w < 0) { putc_unlocked('-', f); w = -w; }
        rs_put_u64(f, (uint64_t)(w / 2));
        if (w & 1) fwrite_unlocked(".5", 1, 2, f);
        return;
    }
    fprintf(f, "%.6g", v);
}
