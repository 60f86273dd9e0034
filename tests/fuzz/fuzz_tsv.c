/* fuzz_tsv: canonical TSV (prep/ratings.h rs_ratings_read_tsv).
 *
 * Besides not crashing: what was read, written back as TSV and read again,
 * must write the same bytes a second time (written ratings are rounded to
 * %.6g once, so the first pass may differ from the input, later ones not).
 * Not when the text written starts with the zstd magic number (a user id
 * "(\xb5/\xfd..."): every reader takes such a stream for zstd, by design,
 * and then says it is corrupt. */
#include "fuzz.h"
#include "prep/ratings.h"

/* The table as TSV text (malloc'd, *n bytes). */
static char *as_tsv(const rs_ratings *rt, size_t *n)
{
    char *buf;
    FILE *f = open_memstream(&buf, n);
    FUZZ_ASSERT(f);
    rs_ratings_write_tsv(f, rt, NULL, 0);
    FUZZ_ASSERT(fclose(f) == 0);
    return buf;
}

/* Read bytes as TSV; 0 or -1. */
static int read_tsv(const uint8_t *data, size_t n, int allow_empty, rs_ratings *rt, rs_err *e)
{
    rs_ratings_init(rt);
    rs_in *in = rs_in_open_mem("tsv", data, n);
    int rc = rs_ratings_read_tsv(in, rt, allow_empty, e);
    rs_in_close(in);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rs_err e = { 0 };
    rs_ratings rt, again, third;
    if (read_tsv(data, size, 1, &rt, &e) == 0) {
        size_t n1, n2;
        char *t1 = as_tsv(&rt, &n1);
        if (n1 >= 4 && memcmp(t1, "\x28\xb5\x2f\xfd", 4) == 0) {
            free(t1);
            rs_ratings_free(&rt);
            return 0;
        }
        FUZZ_ASSERT(read_tsv((const uint8_t *)t1, n1, 1, &again, &e) == 0);
        FUZZ_ASSERT(again.n == rt.n);
        char *t2 = as_tsv(&again, &n2);
        FUZZ_ASSERT(read_tsv((const uint8_t *)t2, n2, 1, &third, &e) == 0);
        size_t n3;
        char *t3 = as_tsv(&third, &n3);
        FUZZ_ASSERT(n2 == n3 && memcmp(t2, t3, n2) == 0);
        free(t1); free(t2); free(t3);
        rs_ratings_free(&again);
        rs_ratings_free(&third);
    } else {
        FUZZ_ASSERT(e.msg[0] && e.code == RS_EDATA);
    }
    rs_ratings_free(&rt);
    return 0;
}
