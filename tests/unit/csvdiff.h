/* csvdiff.h: the block parser against the reference reading (libcsv alone,
 * one thread, from the stream), shared by tests/unit/test_csvblock.c and
 * tests/fuzz/fuzz_csvblock.c.
 *
 * The same bytes are read four ways: the reference from memory; the
 * block parser from a file in one thread; from the file in three threads
 * taking pieces of span bytes (so that small inputs are cut at every few
 * lines and blocks end inside lines and quotes); and from memory (as from
 * a pipe) the same way.  Every result must be the same: rows, ids in the
 * same first-seen order, ratings bit for bit, timestamps, or the same
 * error, word for word.  Returns 0, or -1 with what differed in why. */
#ifndef RS_CSVDIFF_H
#define RS_CSVDIFF_H
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "prep/ratingfile.h"

typedef struct csvdiff_res {
    int rc;
    rs_err e;
    rs_ratings rt;
} csvdiff_res;

static inline void csvdiff_read(const char *path, const char *data, size_t n, const rs_dialect *d,
                                csvdiff_res *r)
{
    memset(r, 0, sizeof *r);
    rs_ratings_init(&r->rt);
    rs_in *in = data ? rs_in_open_mem(path, data, n) : rs_in_open(path, &r->e);
    r->rc = in ? rs_dialect_read(in, d, &r->rt, NULL, NULL, &r->e) : -3;
    rs_in_close(in);
}

static inline int csvdiff_same_ids(const rs_idmap *a, const rs_idmap *b)
{
    size_t na, nb;
    const char *pa = rs_idmap_arena(a, &na), *pb = rs_idmap_arena(b, &nb);
    return rs_idmap_size(a) == rs_idmap_size(b) && na == nb && memcmp(pa, pb, na) == 0;
}

static inline int csvdiff_same(const csvdiff_res *a, const csvdiff_res *b, const char *what,
                               char *why, size_t cap)
{
    if (a->rc != b->rc || (a->rc < 0 && (a->e.code != b->e.code || strcmp(a->e.msg, b->e.msg)))) {
        snprintf(why, cap, "%s: rc %d '%.400s', reference rc %d '%.400s'", what, b->rc,
                 b->rc < 0 ? b->e.msg : "", a->rc, a->rc < 0 ? a->e.msg : "");
        return 0;
    }
    if (a->rc < 0) return 1;
    const rs_ratings *x = &a->rt, *y = &b->rt;
    int ok = x->n == y->n && !x->r == !y->r && !x->t == !y->t &&
             csvdiff_same_ids(x->users, y->users) && csvdiff_same_ids(x->items, y->items);
    for (size_t k = 0; ok && k < x->n; k++)
        ok = x->u[k] == y->u[k] && x->i[k] == y->i[k] &&
             (!x->r || memcmp(&x->r[k], &y->r[k], sizeof x->r[k]) == 0) &&
             (!x->t || x->t[k] == y->t[k]);
    if (!ok) snprintf(why, cap, "%s: %zu rows, reference %zu rows; tables differ", what, y->n, x->n);
    return ok;
}

/* data[0, n) through the four readings; path: a file holding the same. */
static inline int csvdiff_run(const char *path, const char *data, size_t n, rs_dialect d,
                              size_t span, char *why, size_t cap)
{
    csvdiff_res ref, got;
    int ok = 1;
    d.reference = 1;
    d.jobs = 1;
    csvdiff_read(path, data, n, &d, &ref);
    d.reference = 0;
    struct { const char *what; int mem, jobs; } way[] = {
        { "file, 1 thread", 0, 1 }, { "file, 3 threads", 0, 3 }, { "pipe, 3 threads", 1, 3 } };
    for (size_t w = 0; ok && w < sizeof way / sizeof way[0]; w++) {
        d.jobs = way[w].jobs;
        d.span_min = way[w].jobs > 1 ? span : 0;
        csvdiff_read(path, way[w].mem ? data : NULL, n, &d, &got);
        ok = csvdiff_same(&ref, &got, way[w].what, why, cap);
        rs_ratings_free(&got.rt);
    }
    rs_ratings_free(&ref.rt);
    return ok ? 0 : -1;
}

#endif
