#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>
#include "common/io.h"
#include "common/num.h"

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
    int bom_checked;            /* a UTF-8 byte order mark at the start was dropped */
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

/* Text written on Windows may start with a UTF-8 byte order mark: it is
 * not part of the first line's first field, whoever reads the stream.  An
 * rs binary stream or zstd frame never starts with one, so dropping it here
 * for every stream leaves their magic numbers intact. */
static int skip_bom(rs_in *in, rs_err *e)
{
    in->bom_checked = 1;
    while (in->end - in->pos < 3 && !in->eof)
        if (fill(in, e) < 0) return -1;
    if (in->end - in->pos >= 3 && memcmp(in->buf + in->pos, "\xef\xbb\xbf", 3) == 0)
        in->pos += 3;
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
        if (skip_bom(in, e) < 0) { rs_in_close(in); return NULL; }
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
    if (!in->bom_checked && skip_bom(in, e) < 0) return -1;
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
    if (!in->bom_checked && skip_bom(in, e) < 0) return -1;
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
    if (!in->bom_checked && skip_bom(in, e) < 0) return -1;
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


/* ---- outputs ----
 *
 * The registry below is the one piece of process-wide mutable state in rs
 * (the exception to "no global mutable state outside main"): a signal can
 * come at any moment, on any thread, and its handler can see only what is
 * global.  It holds the names of the temporary files not yet renamed into
 * place, in fixed slots, so that the handler removes them without malloc
 * or locks, and whether a set is being renamed into place right now (then
 * the handler lets the renaming finish and the signal is raised after). */

#define TMP_SLOTS 16
enum { RUNNING, COMMITTING, DYING };

static struct {
    char path[TMP_SLOTS][PATH_MAX + 16];
    atomic_int used[TMP_SLOTS];
    atomic_int state;
    volatile sig_atomic_t pending;     /* a signal that came while COMMITTING */
    int installed;                     /* main thread only, before any output */
} live;

static void remove_live(void)
{
    for (int k = 0; k < TMP_SLOTS; k++)
        if (atomic_load(&live.used[k])) unlink(live.path[k]);
}

/* Is standard output a pipe or socket whose reader has gone?  Linux says
 * POLLERR for the write end of a pipe without readers. */
static int stdout_gone(void)
{
    struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

static void on_signal(int sig)
{
    int saved = errno;
    /* A SIGPIPE from another stream (stderr, a FIFO given with -o) is left
     * to that write, which fails with EPIPE and is handled where checked. */
    if (sig == SIGPIPE && !stdout_gone()) { errno = saved; return; }
    int expect = RUNNING;
    if (!atomic_compare_exchange_strong(&live.state, &expect, DYING)) {
        if (expect == COMMITTING) live.pending = sig;
        errno = saved;
        return;    /* renaming: raised after it; dying: another thread is on it */
    }
    remove_live();
    if (sig == SIGPIPE) _exit(0);      /* the reader left: a quiet stop */
    signal(sig, SIG_DFL);
    raise(sig);                        /* delivered on return: the usual status */
    errno = saved;
}

static void at_exit(void) { remove_live(); }

static void catch_signals(void)
{
    if (live.installed) return;
    live.installed = 1;
    atexit(at_exit);
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
    struct sigaction sa = { 0 }, old;
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigfillset(&sa.sa_mask);
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        /* A signal ignored on entry stays ignored (nohup, background jobs). */
        if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[k], &sa, NULL);
}

static int slot_take(const char *tmp)
{
    for (int k = 0; k < TMP_SLOTS; k++)
        if (!atomic_load(&live.used[k])) {
            memcpy(live.path[k], tmp, strlen(tmp) + 1);
            atomic_store(&live.used[k], 1);
            return k;
        }
    return -1;
}

static void slot_drop(int k)
{
    if (k >= 0) atomic_store(&live.used[k], 0);
}

/* Commit a set: raise a signal that came while renaming. */
static void commit_begin(void)
{
    int expect = RUNNING;
    if (!atomic_compare_exchange_strong(&live.state, &expect, COMMITTING))
        for (;;) pause();              /* a handler on another thread is ending us */
}

static void commit_end(void)
{
    atomic_store(&live.state, RUNNING);
    int sig = live.pending;
    if (!sig) return;
    live.pending = 0;
    if (sig == SIGPIPE) _exit(0);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ---- mapped inputs ----
 *
 * A page of a mapped file that another process truncated away raises
 * SIGBUS when touched, on whichever thread touched it.  The mappings rs
 * reads through are registered here, [start, end) and the file's name in
 * fixed slots like the temporary files above, so that the handler can say
 * which file shrank, remove the temporary outputs and exit 1 without
 * malloc or locks.  A SIGBUS anywhere else is a bug and is left to crash
 * as before (the previous action is put back and the fault comes again). */

#define MAP_SLOTS 64
enum { MAP_FREE, MAP_FILLING, MAP_LIVE };

static struct {
    atomic_int used[MAP_SLOTS];
    uintptr_t lo[MAP_SLOTS], hi[MAP_SLOTS];    /* read only while used is MAP_LIVE */
    char name[MAP_SLOTS][PATH_MAX];
    char prog[128];                            /* rs_prog(), copied for the handler */
    struct sigaction old;                      /* SIGBUS's action before ours */
} maps;

static int map_find(uintptr_t a)
{
    for (int k = 0; k < MAP_SLOTS; k++)
        if (atomic_load(&maps.used[k]) == MAP_LIVE && a >= maps.lo[k] && a < maps.hi[k])
            return k;
    return -1;
}

/* strlen and memcpy are async-signal-safe (POSIX.1-2008 TC2); stdio is not. */
static size_t put_str(char *buf, size_t at, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n > cap - at) n = cap - at;
    memcpy(buf + at, s, n);
    return at + n;
}

static void on_bus(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    /* si_code <= 0: sent by kill(), not a fault; si_addr means nothing. */
    int k = si->si_code > 0 ? map_find((uintptr_t)si->si_addr) : -1;
    if (k < 0) {
        sigaction(SIGBUS, &maps.old, NULL);
        if (si->si_code <= 0) raise(sig);
        return;                        /* the instruction faults again, as before us */
    }
    /* Outputs being renamed into place are complete: let that finish (for
     * a while; the renaming thread cannot be the one that faulted, it
     * touches no input), then remove whatever is still temporary. */
    int expect = RUNNING;
    for (int tries = 0; !atomic_compare_exchange_strong(&live.state, &expect, DYING); tries++) {
        if (expect == DYING) for (;;) pause();  /* another thread is ending us */
        if (tries >= 5000) { atomic_store(&live.state, DYING); break; }
        struct timespec ms = { 0, 1000000 };
        nanosleep(&ms, NULL);
        expect = RUNNING;
    }
    remove_live();
    char msg[PATH_MAX + 256];
    size_t n = put_str(msg, 0, sizeof msg - 1, maps.prog);
    n = put_str(msg, n, sizeof msg - 1, ": ");
    n = put_str(msg, n, sizeof msg - 1, maps.name[k]);
    n = put_str(msg, n, sizeof msg - 1, ": the file shrank while it was being read "
                "(another process truncated or rewrote it)");
    msg[n++] = '\n';
    for (size_t done = 0; done < n;) {
        ssize_t w = write(STDERR_FILENO, msg + done, n - done);
        if (w <= 0 && errno != EINTR) break;
        if (w > 0) done += (size_t)w;
    }
    _exit(1);
}

static void catch_bus(void)
{
    const char *p = rs_prog();
    put_str(maps.prog, 0, sizeof maps.prog - 1, p ? p : "rs");   /* zeroed: terminated */
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO;
    sigfillset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &maps.old);
}

void *rs_map(int fd, off_t off, size_t len, const char *name)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    if (len == 0) return NULL;
    pthread_once(&once, catch_bus);
    int k = 0;
    for (int expect = MAP_FREE; k < MAP_SLOTS; k++, expect = MAP_FREE)
        if (atomic_compare_exchange_strong(&maps.used[k], &expect, MAP_FILLING)) break;
    if (k == MAP_SLOTS) return NULL;   /* the caller reads the file instead */
    void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, off);
    if (m == MAP_FAILED) {
        atomic_store(&maps.used[k], MAP_FREE);
        return NULL;
    }
    put_str(maps.name[k], 0, sizeof maps.name[k] - 1, name);
    maps.name[k][strnlen(name, sizeof maps.name[k] - 1)] = '\0';
    maps.lo[k] = (uintptr_t)m;
    maps.hi[k] = (uintptr_t)m + len;
    atomic_store(&maps.used[k], MAP_LIVE);
    return m;
}

void rs_unmap(void *p, size_t len)
{
    if (!p) return;
    /* Out of the registry first: the range may be mapped again by others. */
    for (int k = 0; k < MAP_SLOTS; k++)
        if (atomic_load(&maps.used[k]) == MAP_LIVE && maps.lo[k] == (uintptr_t)p) {
            atomic_store(&maps.used[k], MAP_FREE);
            break;
        }
    munmap(p, len);
}

typedef struct ident { dev_t dev; ino_t ino; char *label; } ident;

struct rs_outset {
    rs_out **out;
    int nout;
    ident *in;
    int nin;
};

struct rs_out {
    rs_outset *set;
    int own_set;            /* made by rs_out_open: a set of one */
    FILE *f;
    int fd, own_fd;         /* own_fd: closed with f (not stdout) */
    int werr;               /* errno of the first failed write */
    char *name;             /* for messages: the path as given, or "(stdout)" */
    char *label;            /* "-o x.tsv", "standard output" */
    char *target, *tmp;     /* tmp: renamed to target on commit */
    int slot;
    int has_id;             /* a regular file now: dev, ino */
    dev_t dev;
    ino_t ino;
};

/* Every write goes through here, so the first failure's errno is kept
 * (stdio's error flag forgets it) and the message can say exactly why. */
static ssize_t out_write(void *cookie, const char *buf, size_t n)
{
    rs_out *o = cookie;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(o->fd, buf + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (!o->werr) o->werr = w < 0 ? errno : EIO;
            return 0;
        }
        done += (size_t)w;
    }
    return (ssize_t)n;
}

static int out_closefn(void *cookie)
{
    rs_out *o = cookie;
    int rc = 0;
    if (o->own_fd && close(o->fd) != 0) {
        if (!o->werr) o->werr = errno;
        rc = -1;
    }
    o->fd = -1;
    return rc;
}

rs_outset *rs_outset_new(void)
{
    catch_signals();
    return rs_xcalloc(1, sizeof(rs_outset));
}

static char *joinf(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = rs_xmalloc(na + nb + 2);
    memcpy(s, a, na);
    s[na] = ' ';
    memcpy(s + na + 1, b, nb + 1);
    return s;
}

static int same_file(rs_err *e, const char *out_label, const char *other)
{
    return rs_errf(e, RS_EUSAGE, "%s is also %s; refusing to overwrite it", out_label, other);
}

int rs_outset_input(rs_outset *s, const char *name, const char *path, rs_err *e)
{
    struct stat st;
    int std = !path || strcmp(path, "-") == 0;
    /* A missing or special input is the reader's to report; only a
     * regular file can be lost by writing over it. */
    if ((std ? fstat(STDIN_FILENO, &st) : stat(path, &st)) != 0 || !S_ISREG(st.st_mode))
        return 0;
    char *label = std ? rs_xstrdup("standard input") : joinf(name, path);
    for (int k = 0; k < s->nout; k++) {
        rs_out *o = s->out[k];
        if (o->has_id && o->dev == st.st_dev && o->ino == st.st_ino) {
            same_file(e, o->label, label);
            free(label);
            return -1;
        }
    }
    s->in = rs_xrealloc(s->in, (size_t)(s->nin + 1) * sizeof *s->in);
    s->in[s->nin++] = (ident){ st.st_dev, st.st_ino, label };
    return 0;
}

/* Where path leads once symbolic links are followed, a dangling one too:
 * -o through a link writes the file it points to, as cp and sort -o do. */
static char *follow_links(const char *path, rs_err *e)
{
    char *p = rs_xstrdup(path);
    for (int hops = 0; hops < 40; hops++) {
        struct stat st;
        char buf[PATH_MAX];
        ssize_t n;
        if (lstat(p, &st) != 0 || !S_ISLNK(st.st_mode) || (n = readlink(p, buf, sizeof buf - 1)) < 0)
            return p;
        buf[n] = '\0';
        char *slash = strrchr(p, '/'), *next;
        if (buf[0] == '/' || !slash) next = rs_xstrdup(buf);
        else {
            size_t d = (size_t)(slash - p) + 1;
            next = rs_xmalloc(d + (size_t)n + 1);
            memcpy(next, p, d);
            memcpy(next + d, buf, (size_t)n + 1);
        }
        free(p);
        p = next;
    }
    free(p);
    rs_errf(e, RS_EDATA, "%s: cannot create: %s", path, strerror(ELOOP));
    return NULL;
}

/* target with its folder made absolute (./x and x, a/../x are one file
 * even before it exists). */
static char *canonical(const char *target, const char *path, rs_err *e)
{
    const char *slash = strrchr(target, '/');
    char *dir = slash ? rs_xstrdup(target) : rs_xstrdup(".");
    if (slash) dir[slash == target ? 1 : slash - target] = '\0';
    const char *base = slash ? slash + 1 : target;
    char *real = realpath(dir, NULL);
    free(dir);
    if (!real) {
        rs_errf(e, RS_EDATA, "%s: cannot create: %s", path, strerror(errno));
        return NULL;
    }
    size_t nr = strlen(real), nb = strlen(base);
    char *c = rs_xmalloc(nr + nb + 2);
    memcpy(c, real, nr);
    c[nr] = '/';
    memcpy(c + nr + 1, base, nb + 1);
    free(real);
    return c;
}

static void out_free(rs_out *o)
{
    free(o->name); free(o->label); free(o->target); free(o->tmp);
    free(o);
}

static rs_out *out_fail(rs_out *o, int fd)
{
    if (fd >= 0 && fd != STDOUT_FILENO) close(fd);
    if (o->tmp && o->slot >= 0) unlink(o->tmp);
    slot_drop(o->slot);
    out_free(o);
    return NULL;
}

/* Refuse o when it is an input or another output of s. */
static int check_conflicts(rs_outset *s, const rs_out *o, rs_err *e)
{
    for (int k = 0; o->has_id && k < s->nin; k++)
        if (s->in[k].dev == o->dev && s->in[k].ino == o->ino)
            return same_file(e, o->label, s->in[k].label);
    for (int k = 0; k < s->nout; k++) {
        const rs_out *p = s->out[k];
        if ((o->has_id && p->has_id && p->dev == o->dev && p->ino == o->ino)
            || (o->target && p->target && !strcmp(o->target, p->target)))
            return same_file(e, o->label, p->label);
    }
    return 0;
}

rs_out *rs_outset_open(rs_outset *s, const char *what, const char *path, int binary, rs_err *e)
{
    rs_out *o = rs_xcalloc(1, sizeof *o);
    o->set = s;
    o->slot = -1;
    int fd = -1;
    struct stat st;
    if (!path || strcmp(path, "-") == 0) {
        fd = STDOUT_FILENO;
        o->name = rs_xstrdup("(stdout)");
        o->label = rs_xstrdup("standard output");
        if (binary && isatty(fd)) {
            rs_errf(e, RS_EUSAGE, "refusing to write binary data to a terminal "
                    "(redirect it, pipe it, or use -o FILE)");
            return out_fail(o, fd);
        }
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
            o->has_id = 1;
            o->dev = st.st_dev;
            o->ino = st.st_ino;
        }
        widen_pipe(fd);
    } else {
        o->name = rs_xstrdup(path);
        o->label = joinf(what ? what : "-o", path);
        /* A device or FIFO (-o /dev/null, -o /dev/stderr, a named pipe) is
         * written in place: renaming a temporary file over it would replace
         * the device with a plain file. */
        if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
            fd = S_ISDIR(st.st_mode) ? -1 : open(path, O_WRONLY | O_CLOEXEC);
            if (fd < 0) {
                rs_errf(e, RS_EDATA, "%s: cannot write: %s", path,
                        S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno));
                return out_fail(o, fd);
            }
            if (binary && isatty(fd)) {
                rs_errf(e, RS_EUSAGE, "%s: refusing to write binary data to a terminal", path);
                return out_fail(o, fd);
            }
        } else {
            char *t = follow_links(path, e);
            if (!t) return out_fail(o, -1);
            o->target = canonical(t, path, e);
            free(t);
            if (!o->target) return out_fail(o, -1);
            if (stat(o->target, &st) == 0) {
                o->has_id = 1;
                o->dev = st.st_dev;
                o->ino = st.st_ino;
            }
        }
    }
    if (check_conflicts(s, o, e) < 0) return out_fail(o, fd);
    if (o->target) {
        size_t n = strlen(o->target);
        o->tmp = rs_xmalloc(n + 16);
        memcpy(o->tmp, o->target, n);
        memcpy(o->tmp + n, ".tmp.XXXXXX", 12);
        if (n + 12 > sizeof live.path[0]) {
            rs_errf(e, RS_EDATA, "%s: cannot create: %s", path, strerror(ENAMETOOLONG));
            return out_fail(o, -1);
        }
        /* Registered before it exists, so no signal finds it unnamed; the
         * name only gains its random part in mkstemp, written in place. */
        o->slot = slot_take(o->tmp);
        if (o->slot < 0) {
            rs_errf(e, RS_EDATA, "%s: too many outputs open at once", path);
            return out_fail(o, -1);
        }
        fd = mkstemp(live.path[o->slot]);
        memcpy(o->tmp, live.path[o->slot], n + 12);
        if (fd < 0) {
            rs_errf(e, RS_EDATA, "%s: cannot create: %s", path, strerror(errno));
            slot_drop(o->slot);
            o->slot = -1;
            return out_fail(o, -1);
        }
        /* mkstemp makes 0600: give the file the mode it had, or a normal one. */
        mode_t mask = umask(0);
        umask(mask);
        fchmod(fd, o->has_id ? (mode_t)(st.st_mode & 07777) : 0666 & ~mask);
    }
    o->fd = fd;
    o->own_fd = fd != STDOUT_FILENO;
    o->f = fopencookie(o, "w", (cookie_io_functions_t){ .write = out_write, .close = out_closefn });
    if (!o->f) rs_xmalloc(SIZE_MAX);
    if (isatty(fd)) setvbuf(o->f, NULL, _IOLBF, 1u << 12);
    else setvbuf(o->f, NULL, _IOFBF, 1u << 20);
    s->out = rs_xrealloc(s->out, (size_t)(s->nout + 1) * sizeof *s->out);
    s->out[s->nout++] = o;
    return o;
}

rs_out *rs_out_open(const char *path, int binary, rs_err *e)
{
    rs_outset *s = rs_outset_new();
    rs_out *o = rs_outset_open(s, NULL, path, binary, e);
    if (!o) { rs_outset_abort(s); return NULL; }
    o->own_set = 1;
    return o;
}

FILE *rs_out_file(rs_out *o) { return o->f; }
const char *rs_out_name(const rs_out *o) { return o->name; }

int rs_out_check(rs_out *o, rs_err *e)
{
    if (o->fd < 0) return 0;
    fflush(o->f);
    if (!o->werr && !ferror(o->f)) return 0;
    int err = o->werr ? o->werr : EIO;
    /* The reader left (| head): nothing to say, see rs_cmd_fail. */
    if (err == EPIPE) { rs_errf(e, RS_EDATA, "%s", ""); return -1; }
    return rs_errf(e, RS_EDATA, "%s: write error: %s", o->name, strerror(err));
}

static void set_free(rs_outset *s)
{
    for (int k = 0; k < s->nout; k++) out_free(s->out[k]);
    for (int k = 0; k < s->nin; k++) free(s->in[k].label);
    free(s->out);
    free(s->in);
    free(s);
}

void rs_outset_abort(rs_outset *s)
{
    if (!s) return;
    for (int k = 0; k < s->nout; k++) {
        rs_out *o = s->out[k];
        /* No more writes to a file about to go, nor to a broken stream. */
        if (o->tmp || o->werr) __fpurge(o->f);
        fclose(o->f);
        if (o->tmp) unlink(o->tmp);
        slot_drop(o->slot);
    }
    set_free(s);
}

int rs_out_is_stream(const rs_out *o) { return !o->tmp && !o->has_id; }

/* Close the outputs of s that files_only selects (those with a temporary
 * file, or all), dropping them from s. */
static int finish(rs_outset *s, int files_only, rs_err *e)
{
    /* Every output complete first (one that failed already is named
     * before those that fail only now, on the disk it filled), ... */
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < s->nout; k++)
            if ((!files_only || s->out[k]->tmp) && (pass || s->out[k]->werr)
                && rs_out_check(s->out[k], e) < 0) {
                rs_outset_abort(s);
                return -1;
            }
    int rc = 0, n = 0;
    for (int k = 0; k < s->nout; k++) {
        rs_out *o = s->out[k];
        if (files_only && !o->tmp) continue;
        if (fclose(o->f) != 0 && rc == 0)
            rc = rs_errf(e, RS_EDATA, "%s: write error: %s", o->name,
                         strerror(o->werr ? o->werr : errno));
        o->f = NULL;
    }
    /* ... then all renamed into place, none if any write failed.  A
     * rename that fails after another succeeded (the folder's permissions
     * changed under us) cannot be undone; it is reported. */
    int committing = rc == 0;
    if (committing) commit_begin();
    for (int k = 0; k < s->nout; k++) {
        rs_out *o = s->out[k];
        if (files_only && !o->tmp) {
            s->out[n++] = o;
            continue;
        }
        if (o->tmp) {
            if (rc == 0 && rename(o->tmp, o->target) != 0)
                rc = rs_errf(e, RS_EDATA, "%s: cannot rename into place: %s", o->name,
                             strerror(errno));
            if (rc != 0) unlink(o->tmp);
            slot_drop(o->slot);
        }
        out_free(o);
    }
    s->nout = n;
    if (committing) commit_end();
    if (rc != 0) rs_outset_abort(s);    /* the rest: nothing of a failed set stays */
    else if (!files_only) set_free(s);
    return rc;
}

int rs_outset_close(rs_outset *s, rs_err *e) { return finish(s, 0, e); }
int rs_outset_commit_files(rs_outset *s, rs_err *e) { return finish(s, 1, e); }

int rs_out_close(rs_out *o, rs_err *e) { return rs_outset_close(o->set, e); }

void rs_out_abort(rs_out *o)
{
    if (o) rs_outset_abort(o->set);
}

void rs_put_u64(FILE *f, uint64_t v)
{
    char buf[RS_NUM_BUF];
    fwrite_unlocked(buf, 1, rs_num_fmt_u64(buf, v), f);
}

void rs_put_i64(FILE *f, int64_t v)
{
    char buf[RS_NUM_BUF];
    fwrite_unlocked(buf, 1, rs_num_fmt_i64(buf, v), f);
}

void rs_put_g(FILE *f, double v)
{
    char buf[RS_NUM_BUF];
    fwrite_unlocked(buf, 1, rs_num_fmt_f64(buf, v), f);
}

void rs_put_f32(FILE *f, float v)
{
    char buf[RS_NUM_BUF];
    fwrite_unlocked(buf, 1, rs_num_fmt_f32(buf, v), f);
}
