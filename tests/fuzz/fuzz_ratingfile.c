/* fuzz_ratingfile: MovieLens-style rating files of every dialect
 * (prep/ratingfile.h rs_dialect_read).
 *
 * The first two bytes choose the options (format, header, --columns); the
 * rest is the file.  Each input is read three ways that must agree: one
 * thread from the file, several threads from the file (spans of a few
 * bytes, so that even small inputs are cut: the header promises the same
 * result either way), and from memory (as from a pipe). */
#include "fuzz.h"
#include "prep/ratingfile.h"

static const char *const formats[] = { "auto", "csv", "tsv", "dat" };
static const char *const columns[] = { NULL, "userId,movieId,rating,timestamp", "1,2,3,4",
                                       "2,1,,4", "userId,movieId", "1,2,3", "user,item,,time" };

typedef struct result {
    int rc;
    rs_err e;
    rs_ratings rt;
} result;

static void read_one(const char *path, const rs_dialect *d, result *r)
{
    memset(r, 0, sizeof *r);
    rs_ratings_init(&r->rt);
    rs_in *in = rs_in_open(path, &r->e);
    FUZZ_ASSERT(in);
    r->rc = rs_dialect_read(in, d, &r->rt, NULL, NULL, &r->e);
    rs_in_close(in);
}

static int same_ids(const rs_idmap *a, const rs_idmap *b)
{
    size_t na, nb;
    const char *pa = rs_idmap_arena(a, &na), *pb = rs_idmap_arena(b, &nb);
    return rs_idmap_size(a) == rs_idmap_size(b) && na == nb && memcmp(pa, pb, na) == 0;
}

static void same(const result *a, const result *b)
{
    FUZZ_ASSERT(a->rc == b->rc);
    if (a->rc < 0) {
        FUZZ_ASSERT(a->e.code == b->e.code);
        return;
    }
    const rs_ratings *x = &a->rt, *y = &b->rt;
    FUZZ_ASSERT(x->n == y->n && !x->r == !y->r && !x->t == !y->t);
    FUZZ_ASSERT(same_ids(x->users, y->users) && same_ids(x->items, y->items));
    for (size_t k = 0; k < x->n; k++) {
        FUZZ_ASSERT(x->u[k] == y->u[k] && x->i[k] == y->i[k]);
        FUZZ_ASSERT(!x->r || memcmp(&x->r[k], &y->r[k], sizeof x->r[k]) == 0);
        FUZZ_ASSERT(!x->t || x->t[k] == y->t[k]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    rs_dialect d;
    rs_err e;
    rs_dialect_init(&d);
    FUZZ_ASSERT(rs_dialect_set_format(&d, formats[data[0] & 3], &e) == 0);
    d.header = (data[0] >> 2) % 3 - 1;
    const char *cols = columns[(data[1] & 0x7f) % (sizeof columns / sizeof columns[0])];
    if (cols) FUZZ_ASSERT(rs_dialect_set_columns(&d, cols, &e) == 0);
    if (data[1] & 0x80) FUZZ_ASSERT(rs_dialect_set_sep(&d, ";", &e) == 0 || d.format == RS_FMT_DAT);
    data += 2;
    size -= 2;

    result one, par, mem;
    const char *path = fuzz_file(data, size);
    read_one(path, &d, &one);
    d.jobs = 3;
    d.span_min = 8;
    read_one(path, &d, &par);
    same(&one, &par);
    FUZZ_ASSERT(one.rc == 0 || strcmp(one.e.msg, par.e.msg) == 0);
    d.jobs = 0;
    memset(&mem, 0, sizeof mem);
    rs_ratings_init(&mem.rt);
    rs_in *in = rs_in_open_mem(path, data, size);
    mem.rc = rs_dialect_read(in, &d, &mem.rt, NULL, NULL, &mem.e);
    rs_in_close(in);
    same(&one, &mem);
    FUZZ_ASSERT(one.rc == 0 || strcmp(one.e.msg, mem.e.msg) == 0);
    rs_ratings_free(&mem.rt);
    if (one.rc < 0) FUZZ_ASSERT(one.e.msg[0]);
    rs_ratings_free(&one.rt);
    rs_ratings_free(&par.rt);
    return 0;
}
