/* Unit tests of lib/prep/ratings and lib/format/csr: canonical TSV in, errors that name
 * line and field, CSR rows in input order, transposes. */
#include <unistd.h>
#include "tap.h"
#include "format/csr.h"
#include "prep/ratings.h"

static int read_str(const char *text, rs_ratings *rt, rs_err *e)
{
    char path[] = "/tmp/rs-test-ratings-XXXXXX";
    int fd = mkstemp(path);
    if (write(fd, text, strlen(text)) < 0) return -2;
    close(fd);
    rs_in *in = rs_in_open(path, e);
    int rc = rs_ratings_read_tsv(in, rt, 0, e);
    rs_in_close(in);
    unlink(path);
    return rc;
}

static int fails_with(const char *text, const char *needle, rs_err *e)
{
    rs_ratings rt;
    rs_ratings_init(&rt);
    int rc = read_str(text, &rt, e);
    rs_ratings_free(&rt);
    return rc == -1 && strstr(e->msg, needle) != NULL;
}

int main(void)
{
    tap t = {0};
    rs_err e;
    rs_ratings rt;
    rs_ratings_init(&rt);
    int rc = read_str("# comment\nu1\ti1\t4\t100\nu2\ti2\t3.5\t50\nu1\ti3\t5\t10\nu2\ti1\t1\t70\n", &rt, &e);
    OK(&t, rc == 0 && rt.n == 4, "read 4 rows");
    OK(&t, rt.r && rt.t && rt.r[1] == 3.5 && rt.t[2] == 10, "ratings and times kept");
    OK(&t, rs_idmap_size(rt.users) == 2 && rs_idmap_size(rt.items) == 3, "2 users, 3 items");

    rs_csr m, tr;
    rs_csr_from_ratings(&m, &rt);
    OK(&t, m.rows == 2 && m.cols == 3 && m.nnz == 4, "csr shape");
    OK(&t, m.indptr[1] == 2 && m.indices[0] == 0 && m.indices[1] == 2, "row 0 in input order (i1, i3)");
    OK(&t, m.indices[2] == 1 && m.indices[3] == 0 && m.values[2] == 3.5f, "row 1 in input order (i2, i1)");
    rs_csr_transpose(&m, &tr);
    OK(&t, tr.rows == 3 && tr.indptr[1] == 2 && tr.indices[0] == 0 && tr.indices[1] == 1,
       "transpose: item 0 has users 0 and 1");
    rs_csr s;
    rs_csr_sorted_copy(&m, &s);
    OK(&t, s.indices[2] == 0 && s.indices[3] == 1 && s.values[2] == 1.0f && s.times[2] == 70,
       "sorted copy sorts row 1 and carries values and times");

    rs_bundle b = {0};
    rs_csr_put(&m, &b, 0);
    rs_csr g;
    OK(&t, rs_csr_get(&b, &g, &e) == 0 && g.nnz == 4 && g.times && g.times[3] == 70, "bundle round trip");
    rs_bundle_free(&b);
    rs_csr_free(&s); rs_csr_free(&tr); rs_csr_free(&m);

    FILE *f = tmpfile();
    rs_ratings_write_tsv(f, &rt, NULL, 0);
    rewind(f);
    char buf[256];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    OK(&t, strcmp(buf, "u1\ti1\t4\t100\nu2\ti2\t3.5\t50\nu1\ti3\t5\t10\nu2\ti1\t1\t70\n") == 0, "write back");
    rs_ratings_free(&rt);

    rs_ratings_init(&rt);
    OK(&t, read_str("a\tb\nc\td\n", &rt, &e) == 0 && !rt.r && !rt.t && rt.n == 2, "2-column input");
    rs_ratings_free(&rt);

    OK(&t, fails_with("u\ti\tabc\n", "line 1, field 3 (rating): not a number: 'abc'", &e), "bad rating: %s", e.msg);
    OK(&t, fails_with("u\ti\tnan\n", "field 3 (rating): not a number", &e), "NaN rating: %s", e.msg);
    OK(&t, fails_with("u\ti\t1e999\n", "out of range", &e), "overflowing rating: %s", e.msg);
    OK(&t, fails_with("u\ti\t1\t99999999999999999999\n", "field 4 (timestamp): out of range", &e), "overflowing time: %s", e.msg);
    OK(&t, fails_with("u\ti\t1\t5\nu\tj\t2\n", "line 2: 3 fields, but earlier lines have 4", &e), "ragged: %s", e.msg);
    OK(&t, fails_with("u\n", "line 1: only 1 field", &e), "missing column: %s", e.msg);
    OK(&t, fails_with("", "no interactions", &e), "empty: %s", e.msg);
    OK(&t, fails_with("# only a comment\n", "no interactions", &e), "comment only: %s", e.msg);
    OK(&t, fails_with("u\t\t1\n", "field 2 (item): empty id", &e), "empty id: %s", e.msg);
    char *big = malloc(10100);
    memset(big, 'x', 10000);
    strcpy(big + 10000, "\ti\t1\n");
    OK(&t, fails_with(big, "field 1 (user): id of 10000 bytes", &e), "10000-byte id: %.60s", e.msg);
    free(big);

    /* Appending a table translates its ids; new ones keep their order. */
    {
        rs_ratings a, c;
        rs_ratings_init(&a);
        rs_ratings_init(&c);
        rs_ratings_keep(&a, 1, 1);
        rs_ratings_keep(&c, 1, 1);
        rs_ratings_add(&a, rs_idmap_intern(a.users, "x", 1), rs_idmap_intern(a.items, "i1", 2), 1, 10);
        rs_ratings_add(&c, rs_idmap_intern(c.users, "y", 1), rs_idmap_intern(c.items, "i2", 2), 2, 20);
        rs_ratings_add(&c, rs_idmap_intern(c.users, "x", 1), rs_idmap_intern(c.items, "i1", 2), 3, 30);
        rs_ratings_append(&a, &c);
        OK(&t, a.n == 3 && rs_idmap_size(a.users) == 2 && rs_idmap_size(a.items) == 2,
           "append: 3 rows, 2 users, 2 items");
        OK(&t, a.u[1] == 1 && a.i[1] == 1 && a.u[2] == 0 && a.i[2] == 0 &&
           strcmp(rs_idmap_str(a.users, 1), "y") == 0,
           "append: a known id maps to its old index, a new one to the next");
        OK(&t, a.r[2] == 3 && a.t[1] == 20, "append: ratings and timestamps come along");
        rs_ratings_free(&a);
        rs_ratings_free(&c);
    }
    return tap_done(&t);
}
