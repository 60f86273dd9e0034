#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "prep/ratingfile_par.h"

struct rs_csvsrc {
    rs_in *in;
    size_t block, want;
    /* A mapped file: map covers file offsets [map_off, map_off + map_len),
     * the unread bytes are [at, end) of it. */
    char *map;
    size_t map_len, at, end, dropped;
    /* A stream: buf[pos, fill) is unread, eof once the stream ended. */
    char *buf;
    size_t cap, pos, fill;
    int eof;
};

/* Map the unread part of a regular file: threads then parse the page
 * cache in place, faulting their own pages in, with no copy at all. */
static int map_region(rs_csvsrc *s)
{
    int fd;
    off_t from, to;
    if (!rs_in_region(s->in, &fd, &from, &to) || to <= from) return 0;
    long page = sysconf(_SC_PAGESIZE);
    off_t base = from - from % (page > 0 ? page : 4096);
    size_t len = (size_t)(to - base);
    /* Through rs_map: a file truncated while we parse it is reported by
     * name, even from a worker thread, instead of a bare "Bus error". */
    void *m = rs_map(fd, base, len, rs_in_name(s->in));
    if (!m) return 0;                   /* read it as a stream instead */
    madvise(m, len, MADV_SEQUENTIAL);
    s->map = m;
    s->map_len = len;
    s->at = (size_t)(from - base);
    s->end = len;
    return 1;
}

rs_csvsrc *rs_csvsrc_open(rs_in *in, size_t block)
{
    rs_csvsrc *s = rs_xcalloc(1, sizeof *s);
    s->in = in;
    s->block = s->want = block ? block : 1;
    map_region(s);
    return s;
}

void rs_csvsrc_close(rs_csvsrc *s)
{
    if (!s) return;
    if (s->map) rs_unmap(s->map, s->map_len);
    free(s->buf);
    free(s);
}

size_t rs_csvsrc_left(const rs_csvsrc *s)
{
    return s->map ? s->end - s->at : 0;
}

int rs_csvsrc_next(rs_csvsrc *s, const char **buf, size_t *n, int *at_end, rs_err *e)
{
    if (s->map) {
        size_t left = s->end - s->at, k = left < s->want ? left : s->want;
        *buf = s->map + s->at;
        *n = k;
        *at_end = k == left;
        return 0;
    }
    /* The unused rest moves to the front, then the buffer is filled. */
    if (s->pos) {
        memmove(s->buf, s->buf + s->pos, s->fill - s->pos);
        s->fill -= s->pos;
        s->pos = 0;
    }
    if (s->cap < s->want) {
        s->buf = rs_xrealloc(s->buf, s->want);
        s->cap = s->want;
    }
    while (!s->eof && s->fill < s->want) {
        ssize_t got = rs_in_read(s->in, s->buf + s->fill, s->want - s->fill, e);
        if (got < 0) return -1;
        if (got == 0) s->eof = 1;
        s->fill += (size_t)got;
    }
    *buf = s->buf;
    *n = s->fill;
    *at_end = s->eof;
    return 0;
}

#define DROP (8u << 20)     /* parsed pages leave the mapping this many at a time */

void rs_csvsrc_used(rs_csvsrc *s, size_t used)
{
    if (s->map) {
        s->at += used;
        /* Pages parsed are never looked at again: out of the process (the
         * page cache keeps them), so that it does not look twice as big. */
        size_t upto = s->at / DROP * DROP;
        if (upto > s->dropped) {
            madvise(s->map + s->dropped, upto - s->dropped, MADV_DONTNEED);
            s->dropped = upto;
        }
    } else {
        s->pos += used;
    }
    s->want = used ? s->block : s->want * 2;
}

/* The offset just past the first '\n' at or after at, or 0 if none. */
static size_t line_end(const char *buf, size_t n, size_t at)
{
    const char *nl = at < n ? memchr(buf + at, '\n', n - at) : NULL;
    return nl ? (size_t)(nl - buf) + 1 : 0;
}

int rs_csvpar_cut(const char *buf, size_t n, int pieces, size_t min, size_t *cuts)
{
    const char *last = memrchr(buf, '\n', n);
    if (!last) return 0;
    size_t len = (size_t)(last - buf) + 1;
    if (min < 1) min = 1;
    if ((size_t)pieces > len / min) pieces = (int)(len / min);
    if (pieces < 1) pieces = 1;
    int k = 0;
    cuts[k++] = 0;
    for (int j = 1; j < pieces; j++) {
        size_t at = line_end(buf, len, (size_t)((double)len * j / pieces));
        if (at > cuts[k - 1] && at < len) cuts[k++] = at;
    }
    cuts[k] = len;
    return k;
}
