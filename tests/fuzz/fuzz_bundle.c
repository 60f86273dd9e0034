/* fuzz_bundle: the binary container (format/bundle.h), bytes as they come.
 *
 * Each input is read three ways that must agree (man/rs-format.5 promises
 * the same checks whatever the source): mapped (rs_bundle_load), as a
 * stream from the file (rs_in: the size of what is left is known) and from
 * memory (rs_in_open_mem: like a pipe, it is not).  What is read is then
 * listed and dumped block by block (format/dump.h), and written back: the
 * written bytes must read back to the same blocks.
 *
 * Checksums make almost every mutation fail early; fuzz_blocks fixes them
 * up to reach the readers of each block kind. */
#include "fuzz.h"
#include "format/bundle.h"
#include "format/dump.h"

static int same_bundle(const rs_bundle *a, const rs_bundle *b)
{
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++) {
        const rs_block *x = &a->b[i], *y = &b->b[i];
        if (strcmp(x->name, y->name) || x->dtype != y->dtype || x->rows != y->rows
            || x->cols != y->cols || x->size != y->size
            || (x->size && memcmp(x->data, y->data, x->size)))
            return 0;
    }
    return 1;
}

static int read_stream(const char *path, rs_bundle *b, rs_err *e)
{
    rs_in *in = rs_in_open(path, e);
    FUZZ_ASSERT(in);
    int rc = rs_bundle_read(in, b, e);
    rs_in_close(in);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rs_bundle mapped = { 0 }, streamed = { 0 }, inmem = { 0 };
    rs_err e1 = { 0 }, e2 = { 0 }, e3 = { 0 };
    const char *path = fuzz_file(data, size);
    int rc = rs_bundle_load(path, &mapped, &e1);
    int rc2 = read_stream(path, &streamed, &e2);
    FUZZ_ASSERT(rc == rc2);
    if (rc < 0) {
        FUZZ_ASSERT(e1.code == RS_EDATA && strcmp(e1.msg, e2.msg) == 0);
    } else {
        FUZZ_ASSERT(same_bundle(&mapped, &streamed));
    }
    rs_in *in = rs_in_open_mem(path, data, size);
    FUZZ_ASSERT(rs_bundle_read(in, &inmem, &e3) == rc);
    rs_in_close(in);
    FUZZ_ASSERT(rc < 0 ? strcmp(e1.msg, e3.msg) == 0 : same_bundle(&mapped, &inmem));
    rs_bundle_free(&inmem);
    if (rc == 0) {
        FILE *null = fuzz_null();
        rs_dump_list(null, &mapped);
        for (size_t i = 0; i < mapped.n; i++) {
            rs_dump_block(null, &mapped, mapped.b[i].name, 0, &e1);
            rs_dump_block(null, &mapped, mapped.b[i].name, 1, &e1);
        }
        rs_dump_matrix(null, &mapped, &e1);
        /* Written back, with and without compression, it reads the same. */
        for (int z = 0; z <= 1; z++) {
            char *buf;
            size_t n;
            FILE *f = open_memstream(&buf, &n);
            FUZZ_ASSERT(f && rs_bundle_write(f, &mapped, z, &e1) == 0 && fclose(f) == 0);
            rs_bundle back = { 0 };
            FUZZ_ASSERT(rs_bundle_load(fuzz_file_at(1, (const uint8_t *)buf, n), &back, &e1) == 0);
            FUZZ_ASSERT(same_bundle(&mapped, &back));
            rs_bundle_free(&back);
            free(buf);
        }
    }
    rs_bundle_free(&mapped);
    rs_bundle_free(&streamed);
    return 0;
}
