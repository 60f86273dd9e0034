#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "common/num.h"
#include "common/parallel.h"
#include "common/progress.h"
#include "prep/ratings.h"

#define ID_MAX RS_ID_MAX

void rs_ratings_init(rs_ratings *rt)
{
    memset(rt, 0, sizeof *rt);
    rt->users = rs_idmap_new();
    rt->items = rs_idmap_new();
}

void rs_ratings_free(rs_ratings *rt)
{
    rs_idmap_free(rt->users); rs_idmap_free(rt->items);
    free(rt->u); free(rt->i); free(rt->r); free(rt->t);
    memset(rt, 0, sizeof *rt);
}

/* Grow by doubling into fresh 2 MiB-aligned blocks advised to use huge
 * pages: at ML-20M size the columns are half a gigabyte, and first-touch
 * faults on 4 KiB pages cost more than parsing the rows.  (realloc would
 * mremap the block to an address of another alignment, which splits huge
 * pages back into small ones, so this copies instead: less than one pass
 * over the final table in all.) */
static void *grow_col(void *p, size_t used, size_t bytes)
{
    if (bytes < (8u << 20)) return rs_xrealloc(p, bytes);
    size_t align = 2u << 20, size = (bytes + align - 1) & ~(align - 1);
    void *q = aligned_alloc(align, size);
    if (!q) return rs_xrealloc(p, bytes);
    madvise(q, size, MADV_HUGEPAGE);    /* only advice: failure is fine */
    if (used) memcpy(q, p, used);
    free(p);
    return q;
}

void rs_ratings_reserve(rs_ratings *rt, size_t need)
{
    if (need <= rt->cap) return;
    size_t c = rt->cap * 2 > need ? rt->cap * 2 : need;
    if (c < 4096) c = 4096;
    size_t n = rt->n;
    rt->u = grow_col(rt->u, n * sizeof *rt->u, c * sizeof *rt->u);
    rt->i = grow_col(rt->i, n * sizeof *rt->i, c * sizeof *rt->i);
    if (rt->r) rt->r = grow_col(rt->r, n * sizeof *rt->r, c * sizeof *rt->r);
    if (rt->t) rt->t = grow_col(rt->t, n * sizeof *rt->t, c * sizeof *rt->t);
    rt->cap = c;
}

void rs_ratings_keep(rs_ratings *rt, int rating, int time)
{
    size_t cap = rt->cap ? rt->cap : 1;
    if (rating && !rt->r) rt->r = grow_col(NULL, 0, cap * sizeof *rt->r);
    if (time && !rt->t) rt->t = grow_col(NULL, 0, cap * sizeof *rt->t);
}

void rs_ratings_add(rs_ratings *rt, uint32_t u, uint32_t i, double r, int64_t t)
{
    if (rt->n == rt->cap) rs_ratings_reserve(rt, rt->n + 1);
    rt->u[rt->n] = u;
    rt->i[rt->n] = i;
    if (rt->r) rt->r[rt->n] = r;
    if (rt->t) rt->t[rt->n] = t;
    rt->n++;
}

void rs_ratings_select(rs_ratings *rt, const unsigned char *keep)
{
    /* Each column on its own, every row written and the next place
     * advanced by keep[k]: no branch to mispredict when half the rows go. */
    size_t w = 0, n = rt->n;
    for (size_t k = 0; k < n; k++) { rt->u[w] = rt->u[k]; w += keep[k] != 0; }
    w = 0;
    for (size_t k = 0; k < n; k++) { rt->i[w] = rt->i[k]; w += keep[k] != 0; }
    if (rt->r) {
        w = 0;
        for (size_t k = 0; k < n; k++) { rt->r[w] = rt->r[k]; w += keep[k] != 0; }
    }
    if (rt->t) {
        w = 0;
        for (size_t k = 0; k < n; k++) { rt->t[w] = rt->t[k]; w += keep[k] != 0; }
    }
    rt->n = w;
}

void rs_ratings_shard(rs_ratings *rt, const rs_shard *sh)
{
    if (!sh->n) return;
    unsigned char *keep = rs_xmalloc(rt->n ? rt->n : 1);
    for (size_t k = 0; k < rt->n; k++)
        keep[k] = (unsigned char)rs_shard_has(sh, rs_idmap_str(rt->users, rt->u[k]),
                                              rs_idmap_len(rt->users, rt->u[k]));
    rs_ratings_select(rt, keep);
    free(keep);
}

void rs_ratings_append(rs_ratings *dst, const rs_ratings *src)
{
    uint32_t *um = rs_idmap_intern_all(dst->users, src->users);
    uint32_t *im = rs_idmap_intern_all(dst->items, src->items);
    rs_ratings_reserve(dst, dst->n + src->n);
    for (size_t k = 0, at = dst->n; k < src->n; k++, at++) {
        dst->u[at] = um[src->u[k]];
        dst->i[at] = im[src->i[k]];
    }
    if (dst->r && src->r) memcpy(dst->r + dst->n, src->r, src->n * sizeof *src->r);
    if (dst->t && src->t) memcpy(dst->t + dst->n, src->t, src->n * sizeof *src->t);
    dst->n += src->n;
    free(um);
    free(im);
}

int rs_parse_rating(const char *s, double *out, const char **why)
{
    return rs_num_f32(s, strlen(s), out, why);
}

int rs_parse_time(const char *s, int64_t *out, const char **why)
{
    return rs_num_i64(s, strlen(s), out, why);
}

static const char *const field_name[] = { "user", "item", "rating", "timestamp" };

/* The reading loop; returns 0 at the end of input or -1. */
static int read_lines(rs_in *in, rs_ratings *rt, rs_progress *prog, rs_err *e)
{
    char *line;
    size_t len;
    int ncols = 0, rc, have_last = 0;
    size_t last_len = 0;
    uint32_t last_u = 0;
    char last_user[ID_MAX + 1];
    const char *name = rs_in_name(in);
    while ((rc = rs_in_getline(in, &line, &len, e)) == 1) {
        unsigned long long ln = rs_in_lineno(in);
        if ((ln & 0xfffff) == 0) rs_progress_update(prog, ln, 0, "lines");
        if (line[0] == '#') continue;
        char *f[4];
        size_t fl[4];
        int nf = 0;
        /* Fields are a few bytes long: a plain scan beats a memchr call per
         * field, and the line ends in a NUL (rs_in_getline refuses NULs in
         * the text). */
        for (char *p = line;;) {
            if (nf == 4)
                return rs_errf(e, RS_EDATA, "%s: line %llu: more than 4 fields "
                               "(expected user, item, rating, timestamp)", name, ln);
            char *s = p;
            while (*p != '\t' && *p) p++;
            f[nf] = s;
            fl[nf++] = (size_t)(p - s);
            if (!*p) break;
            *p++ = '\0';
        }
        if (nf < 2)
            return rs_errf(e, RS_EDATA, "%s: line %llu: %s (expected user<TAB>item"
                           "[<TAB>rating[<TAB>timestamp]])", name, ln,
                           len ? "only 1 field" : "empty line");
        if (!ncols) {
            ncols = nf;
            if (rt->n == 0)     /* the first line decides which columns the table keeps */
                rs_ratings_keep(rt, nf >= 3, nf >= 4);
        } else if (nf != ncols) {
            return rs_errf(e, RS_EDATA, "%s: line %llu: %d fields, but earlier lines have %d",
                           name, ln, nf, ncols);
        }
        for (int k = 0; k < 2; k++) {
            size_t l = fl[k];
            if (l == 0)
                return rs_errf(e, RS_EDATA, "%s: line %llu, field %d (%s): empty id",
                               name, ln, k + 1, field_name[k]);
            if (l > ID_MAX)
                return rs_errf(e, RS_EDATA, "%s: line %llu, field %d (%s): id of %zu bytes "
                               "(at most %d allowed)", name, ln, k + 1, field_name[k], l, ID_MAX);
            /* A CR left in an id (the line's own CR LF is gone) would not
             * read back: the writer's line would end in it. */
            if (memchr(f[k], '\r', l))
                return rs_errf(e, RS_EDATA, "%s: line %llu, field %d (%s): id holds a carriage "
                               "return, which canonical TSV cannot carry", name, ln, k + 1,
                               field_name[k]);
            /* Written first in a file, it would be read as the file's BOM. */
            if (l >= 3 && memcmp(f[k], "\xef\xbb\xbf", 3) == 0)
                return rs_errf(e, RS_EDATA, "%s: line %llu, field %d (%s): id starts with a "
                               "byte-order mark (U+FEFF)", name, ln, k + 1, field_name[k]);
        }
        double r = 1;
        int64_t t = 0;
        const char *why;
        if (nf >= 3 && rs_num_f32(f[2], fl[2], &r, &why) < 0)
            return rs_errf(e, RS_EDATA, "%s: line %llu, field 3 (rating): %s: '%.40s'",
                           name, ln, why, f[2]);
        if (nf >= 4 && rs_num_i64(f[3], fl[3], &t, &why) < 0)
            return rs_errf(e, RS_EDATA, "%s: line %llu, field 4 (timestamp): %s: '%.40s'",
                           name, ln, why, f[3]);
        /* Inputs are mostly grouped by user: skip the hash for a repeat. */
        size_t ulen = fl[0];
        uint32_t u;
        if (have_last && ulen == last_len && memcmp(f[0], last_user, ulen) == 0) u = last_u;
        else {
            u = rs_idmap_intern(rt->users, f[0], ulen);
            memcpy(last_user, f[0], ulen);
            last_len = ulen;
            last_u = u;
            have_last = 1;
        }
        uint32_t i = rs_idmap_intern(rt->items, f[1], fl[1]);
        rs_ratings_add(rt, u, i, r, t);
    }
    return rc;
}

int rs_ratings_read_tsv(rs_in *in, rs_ratings *rt, int allow_empty, rs_err *e)
{
    size_t n0 = rt->n;
    const char *name = rs_in_name(in);
    if (rs_in_is_binary(in, e) == 1)
        return rs_errf(e, RS_EDATA, "%s: this is an rs binary stream, not TSV "
                       "(hint: rs-index --decode turns it back into text)", name);
    rs_progress prog;
    rs_progress_start(&prog, "reading");
    int rc = read_lines(in, rt, &prog, e);
    rs_progress_end(&prog);
    if (rc < 0) return -1;
    if (rt->n == n0 && !allow_empty)
        return rs_errf(e, RS_EDATA, "%s: no interactions in input", name);
    return 0;
}

int rs_ratings_read_paths(char *const *paths, int npaths, rs_ratings *rt, rs_err *e)
{
    static char *const stdin_only[] = { "-" };
    if (npaths == 0) { paths = stdin_only; npaths = 1; }
    for (int k = 0; k < npaths; k++) {
        rs_in *in = rs_in_open(paths[k], e);
        if (!in) return -1;
        int rc = rs_ratings_read_tsv(in, rt, 1, e);
        rs_in_close(in);
        if (rc < 0) return -1;
    }
    if (rt->n == 0)
        return rs_errf(e, RS_EDATA, "%s: no interactions in input",
                       npaths == 1 ? (strcmp(paths[0], "-") ? paths[0] : "(stdin)") : "all inputs");
    return 0;
}

/* The rows [lo, hi) picked by sel, as canonical TSV, appended to *buf
 * (*cap bytes, grown as needed) from *len on: formatting a block of rows
 * in memory (common/num's formatters, the text rs_put_* writes) and
 * handing it to stdio at once halves the cost of writing 20 million rows. */
static void format_rows(const rs_ratings *rt, const unsigned char *sel, int value, size_t lo,
                        size_t hi, char **buf, size_t *len, size_t *cap)
{
    if (!*buf) {
        *cap = 1u << 16;
        *buf = rs_xmalloc(*cap);
    }
    char *p = *buf + *len;
    for (size_t k = lo; k < hi; k++) {
        if (sel && sel[k] != value) continue;
        size_t lu = rs_idmap_len(rt->users, rt->u[k]), li = rs_idmap_len(rt->items, rt->i[k]);
        if ((size_t)(p - *buf) + lu + li + 80 > *cap) {    /* 80: the numbers and tabs */
            size_t used = (size_t)(p - *buf);
            *cap = (used + lu + li + 80) * 2;
            *buf = rs_xrealloc(*buf, *cap);
            p = *buf + used;
        }
        memcpy(p, rs_idmap_str(rt->users, rt->u[k]), lu);
        p += lu;
        *p++ = '\t';
        memcpy(p, rs_idmap_str(rt->items, rt->i[k]), li);
        p += li;
        if (rt->r) { *p++ = '\t'; p += rs_num_fmt_f64(p, rt->r[k]); }
        if (rt->t) { *p++ = '\t'; p += rs_num_fmt_i64(p, rt->t[k]); }
        *p++ = '\n';
    }
    *len = (size_t)(p - *buf);
}

/* Output in rounds: each thread formats a run of rows into its own
 * buffer, then the buffers are written in order. */
#define WRITE_ROWS (1u << 16)   /* rows a thread formats in a round */

typedef struct wtsv {
    const rs_ratings *rt;
    const unsigned char *sel;
    int value;
    size_t from, step;          /* this round's first row; rows per thread */
    char **buf;
    size_t *len, *cap;
} wtsv;

static int format_worker(void *arg, int t, size_t lo, size_t hi, rs_err *e)
{
    wtsv *w = arg;
    size_t a = w->from + (size_t)t * w->step, b = a + w->step;
    if (b > w->rt->n) b = w->rt->n;
    w->len[t] = 0;
    if (a < b) format_rows(w->rt, w->sel, w->value, a, b, &w->buf[t], &w->len[t], &w->cap[t]);
    return 0;
}

void rs_ratings_write_tsv_jobs(FILE *f, const rs_ratings *rt, const unsigned char *sel, int value,
                               int jobs)
{
    int T = jobs > 1 && rt->n > 2 * (size_t)WRITE_ROWS ? jobs : 1;
    wtsv w = { rt, sel, value, 0, WRITE_ROWS, NULL, NULL, NULL };
    w.buf = rs_xcalloc((size_t)T, sizeof *w.buf);
    w.len = rs_xcalloc((size_t)T, sizeof *w.len);
    w.cap = rs_xcalloc((size_t)T, sizeof *w.cap);
    rs_err e;
    for (w.from = 0; w.from < rt->n; w.from += (size_t)T * w.step) {
        rs_parallel_for(T, (size_t)T, format_worker, &w, &e);
        for (int t = 0; t < T; t++) fwrite_unlocked(w.buf[t], 1, w.len[t], f);
    }
    for (int t = 0; t < T; t++) free(w.buf[t]);
    free(w.buf);
    free(w.len);
    free(w.cap);
}

void rs_ratings_write_tsv(FILE *f, const rs_ratings *rt, const unsigned char *sel, int value)
{
    rs_ratings_write_tsv_jobs(f, rt, sel, value, 1);
}

void rs_csr_from_ratings(rs_csr *m, const rs_ratings *rt)
{
    memset(m, 0, sizeof *m);
    m->rows = rs_idmap_size(rt->users);
    m->cols = rs_idmap_size(rt->items);
    m->nnz = rt->n;
    m->owned = 1;
    m->indptr = rs_xcalloc((size_t)m->rows + 1, sizeof *m->indptr);
    m->indices = rs_xmalloc(m->nnz * sizeof *m->indices);
    m->values = rs_xmalloc(m->nnz * sizeof *m->values);
    if (rt->t) m->times = rs_xmalloc(m->nnz * sizeof *m->times);
    for (size_t k = 0; k < rt->n; k++) m->indptr[rt->u[k] + 1]++;
    for (uint32_t r = 0; r < m->rows; r++) m->indptr[r + 1] += m->indptr[r];
    uint64_t *next = rs_xmalloc(((size_t)m->rows + 1) * sizeof *next);
    memcpy(next, m->indptr, ((size_t)m->rows + 1) * sizeof *next);
    for (size_t k = 0; k < rt->n; k++) {
        uint64_t p = next[rt->u[k]]++;
        m->indices[p] = rt->i[k];
        m->values[p] = rt->r ? (float)rt->r[k] : 1.0f;
        if (m->times) m->times[p] = rt->t[k];
    }
    free(next);
}
