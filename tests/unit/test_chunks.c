/* format/chunks: a matrix read by chunks is the matrix; each chunk's own
 * checksum catches damage the reader of that chunk sees; a bundle written
 * over a file copies its blocks as they are. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "common/err.h"
#include "common/rng.h"
#include "format/bundle.h"
#include "format/chunks.h"
#include "format/csr.h"

/* A random users x items matrix, some rows empty. */
static void make(rs_csr *m, uint32_t users, uint32_t items, uint64_t seed)
{
    rs_rng g;
    rs_rng_seed(&g, seed);
    memset(m, 0, sizeof *m);
    m->rows = users;
    m->cols = items;
    m->owned = 1;
    m->indptr = rs_xcalloc(users + 1, sizeof *m->indptr);
    m->indices = rs_xmalloc((size_t)users * items * sizeof *m->indices);
    m->values = rs_xmalloc((size_t)users * items * sizeof *m->values);
    for (uint32_t u = 0; u < users; u++) {
        for (uint32_t i = 0; i < items; i++)
            if (u % 5 != 3 && rs_rng_double(&g) < 0.3) {
                m->indices[m->nnz] = i;
                m->values[m->nnz++] = (float)(1 + u % 4);
            }
        m->indptr[u + 1] = m->nnz;
    }
}

static int write_file(const char *path, const rs_bundle *b)
{
    FILE *f = fopen(path, "wb");
    rs_err e = { 0 };
    int rc = f && rs_bundle_write(f, b, 0, &e) == 0 ? 0 : -1;
    if (f) fclose(f);
    return rc;
}

/* Chunks [from, to) of side of c hold rows lo.. of m exactly. */
static int same_rows(const rs_csr *part, const rs_csr *m, uint64_t lo)
{
    for (uint32_t r = 0; r < part->rows; r++) {
        uint64_t a = part->indptr[r], b = part->indptr[r + 1];
        uint64_t ma = m->indptr[lo + r], mb = m->indptr[lo + r + 1];
        if (b - a != mb - ma) return 0;
        if (memcmp(part->indices + a, m->indices + ma, (b - a) * sizeof *m->indices)
            || memcmp(part->values + a, m->values + ma, (b - a) * sizeof *m->values))
            return 0;
    }
    return 1;
}

static int keep_all(const char *name) { (void)name; return 1; }

int main(void)
{
    tap t = { 0 };
    char dir[] = "/tmp/rs-chunks.XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char path[64], bad[64], out[64];
    snprintf(path, sizeof path, "%s/m.rsm", dir);
    snprintf(bad, sizeof bad, "%s/bad.rsm", dir);
    snprintf(out, sizeof out, "%s/out.rsm", dir);

    rs_csr m, tr;
    make(&m, 40, 17, 3);
    rs_csr_transpose(&m, &tr);
    rs_bundle b = { 0 };
    rs_meta_set(&b, "kind", "matrix");
    rs_csr_put(&m, &b, 0);
    rs_chunks_put(&m, 6, &b);
    OK(&t, write_file(path, &b) == 0, "a matrix with 6 chunks a side is written");

    rs_chunked c;
    rs_err e = { 0 };
    OK(&t, rs_chunked_open(path, &c, &e) == 1, "it opens by chunks (%s)", e.msg);
    OK(&t, c.n == 6 && c.rows[0] == 40 && c.rows[1] == 17 && c.nnz == m.nnz,
       "6 chunks of a 40 x 17 matrix of %llu entries", (unsigned long long)m.nnz);
    /* Every run of chunks, both sides, is the matrix's rows. */
    int all = 1;
    for (int side = 0; side < 2; side++)
        for (uint32_t a = 0; a <= c.n; a++)
            for (uint32_t z = a; z <= c.n; z++) {
                rs_csr part;
                if (rs_chunked_read(&c, side, a, z, &part, &e) < 0) { all = 0; continue; }
                uint64_t lo = a < c.n ? rs_chunked_entry(&c, side, a)[RS_CHUNK_ROW_LO] : 0;
                all &= same_rows(&part, side ? &tr : &m, lo);
                rs_csr_free(&part);
            }
    OK(&t, all, "every run of chunks of either side reads as those rows of the matrix");
    /* Shares on chunk boundaries cover each side once, for any number of parts. */
    int cover = 1;
    for (int parts = 1; parts <= 9; parts++) {
        uint32_t first[10];
        rs_chunked_split(&c, 0, parts, first);
        cover &= first[0] == 0 && first[parts] == c.n;
        for (int r = 0; r < parts; r++) cover &= first[r] <= first[r + 1];
    }
    OK(&t, cover, "splits into 1..9 parts are runs of chunks covering all of them, in order");

    /* A written-over copy keeps the file's blocks and adds b2's. */
    rs_bundle b2 = { 0 };
    rs_meta_set(&b2, "kind", "matrix");
    rs_meta_set(&b2, "model", "test");
    float *x = rs_xcalloc(3, sizeof *x);
    rs_bundle_put(&b2, "extra", RS_F32, 3, 1, x, 1);
    FILE *f = fopen(out, "wb");
    OK(&t, f && rs_bundle_write_over(f, &c.dir, keep_all, &b2, 0, &e) == 0,
       "a bundle written over the file (%s)", e.msg);
    if (f) fclose(f);
    rs_bundle r = { 0 };
    int rc = rs_bundle_load(out, &r, &e);
    rs_csr back;
    OK(&t, rc == 0 && rs_csr_get(&r, &back, &e) == 0 && back.nnz == m.nnz
       && !memcmp(back.indices, m.indices, m.nnz * sizeof *m.indices)
       && rs_bundle_get(&r, "extra") && rs_bundle_get(&r, "chunks")
       && rs_meta_get(&r, "model") && r.b[0].name[0] == 'm' && !strcmp(r.b[r.n - 1].name, "extra"),
       "it reads back: the file's matrix and chunks, meta in place, the new block last");
    rs_bundle_free(&r);
    rs_bundle_free(&b2);
    rs_chunked_close(&c);

    /* One flipped byte in the item-major values: the chunk holding it says so. */
    FILE *in = fopen(path, "rb");
    fseek(in, 0, SEEK_END);
    long len = ftell(in);
    unsigned char *buf = malloc((size_t)len);
    fseek(in, 0, SEEK_SET);
    if (fread(buf, 1, (size_t)len, in) != (size_t)len) return 1;
    fclose(in);
    rs_bundle_dir d;
    rs_bundle_dir_open(path, &d, &e);
    const rs_bundle_entry *cv = rs_bundle_dir_find(&d, "csc_values");
    buf[cv->at + cv->blk.size - 1] ^= 1;     /* the last item's last entry */
    rs_bundle_dir_close(&d);
    FILE *o = fopen(bad, "wb");
    fwrite(buf, 1, (size_t)len, o);
    fclose(o);
    free(buf);
    OK(&t, rs_chunked_open(bad, &c, &e) == 1, "a damaged payload still opens (headers and index are fine)");
    rs_csr part;
    memset(&e, 0, sizeof e);
    OK(&t, rs_chunked_read(&c, 1, 0, 1, &part, &e) == 0, "a chunk away from the damage reads");
    rs_csr_free(&part);
    memset(&e, 0, sizeof e);
    OK(&t, rs_chunked_read(&c, 1, c.n - 1, c.n, &part, &e) < 0
       && strstr(e.msg, "checksum mismatch in item chunk 5") && strstr(e.msg, "csc_values")
       && strstr(e.msg, "bad.rsm"), "the damaged chunk is an error naming it: %s", e.msg);
    rs_chunked_close(&c);
    rs_bundle whole = { 0 };
    memset(&e, 0, sizeof e);
    OK(&t, rs_bundle_load(bad, &whole, &e) < 0 && strstr(e.msg, "checksum mismatch in block 'csc_values'"),
       "a whole read finds it too: %s", e.msg);
    rs_bundle_free(&whole);

    /* A plain matrix has no chunks: 0, to be read whole. */
    rs_bundle p = { 0 };
    rs_meta_set(&p, "kind", "matrix");
    rs_csr_put(&m, &p, 0);
    write_file(out, &p);
    OK(&t, rs_chunked_open(out, &c, &e) == 0, "a matrix without chunks: read it whole");
    rs_bundle_free(&p);
    rs_bundle_free(&b);
    rs_csr_free(&m);
    rs_csr_free(&tr);
    unlink(path); unlink(bad); unlink(out); rmdir(dir);
    return tap_done(&t);
}
