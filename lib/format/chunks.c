/* chunks.c: a matrix in row chunks read alone (chunks.h, man/rs-format.5). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/crc32c.h"
#include "format/chunks.h"

static const char *const blocks[2][3] = {
    { "indptr", "indices", "values" }, { "csc_indptr", "csc_indices", "csc_values" } };
static const char *const side_name[2] = { "user", "item" };

static uint32_t chunk_crc(const uint64_t *ip, uint64_t rows, const uint32_t *ix, const float *v)
{
    uint64_t n = ip[rows] - ip[0];
    uint32_t crc = rs_crc32c(0, ip, (rows + 1) * sizeof *ip);
    crc = rs_crc32c(crc, ix, n * sizeof *ix);
    return rs_crc32c(crc, v, n * sizeof *v);
}

/* n chunks of m's rows, cut where the running nonzero count passes c/n of
 * the total (rs-svd-mpi cuts its ranks' shares the same way, on these). */
static void index_side(const rs_csr *m, uint32_t n, uint64_t *tab)
{
    uint32_t row = 0;
    for (uint32_t c = 0; c < n; c++) {
        uint64_t *t = tab + (size_t)c * RS_CHUNK_COLS;
        t[RS_CHUNK_ROW_LO] = row;
        uint64_t want = m->nnz * (uint64_t)(c + 1) / n;
        if (c + 1 == n) row = m->rows;
        else
            while (row < m->rows && m->indptr[row] < want) row++;
        t[RS_CHUNK_ROW_HI] = row;
        t[RS_CHUNK_NZ_LO] = m->indptr[t[RS_CHUNK_ROW_LO]];
        t[RS_CHUNK_NZ_HI] = m->indptr[row];
        uint64_t a = t[RS_CHUNK_NZ_LO];
        t[RS_CHUNK_CRC] = chunk_crc(m->indptr + t[RS_CHUNK_ROW_LO], row - t[RS_CHUNK_ROW_LO],
                                    m->indices + a, m->values + a);
    }
}

void rs_chunks_put(const rs_csr *m, uint32_t n, rs_bundle *b)
{
    rs_csr view = *m, t;
    view.times = NULL;
    rs_csr_transpose(&view, &t);
    uint64_t *tab = rs_xmalloc((size_t)2 * n * RS_CHUNK_COLS * sizeof *tab);
    index_side(m, n, tab);
    index_side(&t, n, tab + (size_t)n * RS_CHUNK_COLS);
    rs_bundle_put(b, "csc_indptr", RS_U64, (uint64_t)t.rows + 1, 1, t.indptr, 1);
    rs_bundle_put(b, "csc_indices", RS_U32, t.nnz, 1, t.indices, 1);
    rs_bundle_put(b, "csc_values", RS_F32, t.nnz, 1, t.values, 1);
    rs_bundle_put(b, "chunks", RS_U64, (uint64_t)2 * n, RS_CHUNK_COLS, tab, 1);
}

const uint64_t *rs_chunked_entry(const rs_chunked *c, int side, uint32_t chunk)
{
    return c->tab + ((size_t)side * c->n + chunk) * RS_CHUNK_COLS;
}

/* Every misfit of the index is named the same way: the path comes first. */
#define MISFIT "%s: block 'chunks' does not fit the matrix: "

/* The blocks a side's chunks are read from: present, of their dtype and length. */
static int check_blocks(const rs_chunked *c, int side, rs_err *e)
{
    static const int dtype[3] = { RS_U64, RS_U32, RS_F32 };
    uint64_t len[3] = { (uint64_t)c->rows[side] + 1, c->nnz, c->nnz };
    for (int k = 0; k < 3; k++) {
        const rs_bundle_entry *ent = rs_bundle_dir_find(&c->dir, blocks[side][k]);
        if (!ent)
            return rs_errf(e, RS_EDATA, MISFIT "no block '%s'", c->dir.path, blocks[side][k]);
        if (ent->blk.dtype != dtype[k] || ent->blk.rows != len[k] || ent->blk.cols != 1)
            return rs_errf(e, RS_EDATA, MISFIT "block '%s' is not %" PRIu64
                           " entries of its type", c->dir.path, blocks[side][k], len[k]);
    }
    return 0;
}

/* The chunks of a side tile its rows and its entries, in order. */
static int check_side(const rs_chunked *c, int side, rs_err *e)
{
    uint64_t row = 0, nz = 0;
    for (uint32_t k = 0; k < c->n; k++) {
        const uint64_t *t = rs_chunked_entry(c, side, k);
        if (t[RS_CHUNK_ROW_LO] != row || t[RS_CHUNK_NZ_LO] != nz
            || t[RS_CHUNK_ROW_HI] < row || t[RS_CHUNK_NZ_HI] < nz
            || t[RS_CHUNK_ROW_HI] > c->rows[side] || t[RS_CHUNK_NZ_HI] > c->nnz
            || t[RS_CHUNK_CRC] > UINT32_MAX)
            return rs_errf(e, RS_EDATA, MISFIT "%s chunk %" PRIu32 " does not follow chunk %"
                           PRIu32, c->dir.path, side_name[side], k, k - 1);
        row = t[RS_CHUNK_ROW_HI];
        nz = t[RS_CHUNK_NZ_HI];
    }
    if (row != c->rows[side] || nz != c->nnz)
        return rs_errf(e, RS_EDATA, MISFIT "the %s chunks end at row %" PRIu64 ", entry %"
                       PRIu64 " of %" PRIu32 " rows, %" PRIu64 " entries", c->dir.path,
                       side_name[side], row, nz, c->rows[side], c->nnz);
    return check_blocks(c, side, e);
}

int rs_chunked_open(const char *path, rs_chunked *c, rs_err *e)
{
    memset(c, 0, sizeof *c);
    c->dir.fd = -1;
    struct stat st;
    rs_err ignored = { 0 };
    if (!path || strcmp(path, "-") == 0 || stat(path, &st) < 0 || !S_ISREG(st.st_mode)
        || rs_bundle_dir_open(path, &c->dir, &ignored) < 0)
        return 0;
    if (!rs_bundle_dir_find(&c->dir, "chunks")) {
        rs_chunked_close(c);
        return 0;
    }
    if (rs_bundle_dir_read(&c->dir, "shape", &c->small, e) < 0
        || rs_bundle_dir_read(&c->dir, "chunks", &c->small, e) < 0)
        goto fail;
    const rs_block *shape = rs_bundle_get(&c->small, "shape");
    const rs_block *ch = rs_bundle_get(&c->small, "chunks");
    if (shape->dtype != RS_U64 || shape->rows != 2 || shape->cols != 1) {
        rs_errf(e, RS_EDATA, "%s: block 'shape' is not 2 x 1 u64", path);
        goto fail;
    }
    const uint64_t *s = shape->data;
    if (s[0] > UINT32_MAX || s[1] > UINT32_MAX) {
        rs_errf(e, RS_EDATA, "%s: matrix shape %" PRIu64 "x%" PRIu64 " too large", path, s[0], s[1]);
        goto fail;
    }
    if (ch->dtype != RS_U64 || ch->cols != RS_CHUNK_COLS || ch->rows == 0 || ch->rows % 2
        || ch->rows / 2 > RS_CHUNKS_MAX) {
        rs_errf(e, RS_EDATA, MISFIT "not 2N x %d u64 (N = 1 to %u)", path, RS_CHUNK_COLS,
                RS_CHUNKS_MAX);
        goto fail;
    }
    c->rows[RS_BY_USER] = (uint32_t)s[0];
    c->rows[RS_BY_ITEM] = (uint32_t)s[1];
    c->n = (uint32_t)(ch->rows / 2);
    c->tab = ch->data;
    c->nnz = rs_chunked_entry(c, RS_BY_USER, c->n - 1)[RS_CHUNK_NZ_HI];
    if (check_side(c, RS_BY_USER, e) < 0 || check_side(c, RS_BY_ITEM, e) < 0) goto fail;
    return 1;
fail:
    rs_chunked_close(c);
    return -1;
}

void rs_chunked_close(rs_chunked *c)
{
    rs_bundle_dir_close(&c->dir);
    rs_bundle_free(&c->small);
    c->tab = NULL;
}

void rs_chunked_split(const rs_chunked *c, int side, int parts, uint32_t *first)
{
    uint32_t k = 0;
    first[0] = 0;
    for (int r = 1; r < parts; r++) {
        uint64_t want = c->nnz * (uint64_t)r / (uint64_t)parts;
        while (k < c->n && rs_chunked_entry(c, side, k)[RS_CHUNK_NZ_LO] < want) k++;
        first[r] = k;
    }
    first[parts] = c->n;
}

int rs_chunked_read(const rs_chunked *c, int side, uint32_t from, uint32_t to, rs_csr *out,
                    rs_err *e)
{
    memset(out, 0, sizeof *out);
    const char *path = c->dir.path;
    if (from >= to) {       /* a rank with no chunk: no rows */
        out->indptr = rs_xcalloc(1, sizeof *out->indptr);
        out->cols = c->rows[!side];
        out->owned = 1;
        return 0;
    }
    const uint64_t *f = rs_chunked_entry(c, side, from), *l = rs_chunked_entry(c, side, to - 1);
    uint64_t r0 = f[RS_CHUNK_ROW_LO], n0 = f[RS_CHUNK_NZ_LO];
    out->rows = (uint32_t)(l[RS_CHUNK_ROW_HI] - r0);
    out->cols = c->rows[!side];
    out->nnz = l[RS_CHUNK_NZ_HI] - n0;
    out->owned = 1;
    out->indptr = rs_xmalloc(((size_t)out->rows + 1) * sizeof *out->indptr);
    out->indices = rs_xmalloc((out->nnz ? out->nnz : 1) * sizeof *out->indices);
    out->values = rs_xmalloc((out->nnz ? out->nnz : 1) * sizeof *out->values);
    const rs_bundle_entry *ip = rs_bundle_dir_find(&c->dir, blocks[side][0]),
                          *ix = rs_bundle_dir_find(&c->dir, blocks[side][1]),
                          *v = rs_bundle_dir_find(&c->dir, blocks[side][2]);
    for (uint32_t k = from; k < to; k++) {
        const uint64_t *t = rs_chunked_entry(c, side, k);
        uint64_t lo = t[RS_CHUNK_ROW_LO], hi = t[RS_CHUNK_ROW_HI];
        uint64_t a = t[RS_CHUNK_NZ_LO], n = t[RS_CHUNK_NZ_HI] - a;
        uint64_t *oip = out->indptr + (lo - r0);
        uint32_t *oix = out->indices + (a - n0);
        float *ov = out->values + (a - n0);
        /* Its indptr entries overlap the next chunk's first: read in place. */
        if (rs_bundle_dir_pread(&c->dir, ip, oip, lo * sizeof *oip, (hi - lo + 1) * sizeof *oip, e) < 0
            || rs_bundle_dir_pread(&c->dir, ix, oix, a * sizeof *oix, n * sizeof *oix, e) < 0
            || rs_bundle_dir_pread(&c->dir, v, ov, a * sizeof *ov, n * sizeof *ov, e) < 0)
            goto fail;
        if (chunk_crc(oip, hi - lo, oix, ov) != t[RS_CHUNK_CRC]) {
            rs_errf(e, RS_EDATA, "%s: checksum mismatch in %s chunk %" PRIu32 " (rows %" PRIu64
                    " to %" PRIu64 " of blocks '%s', '%s', '%s'): the file is damaged", path,
                    side_name[side], k, lo, hi, blocks[side][0], blocks[side][1], blocks[side][2]);
            goto fail;
        }
        /* A checksum catches damage; these catch a well-formed lie. */
        if (oip[0] != a || oip[hi - lo] != a + n) {
            rs_errf(e, RS_EDATA, "%s: %s chunk %" PRIu32 ": block '%s' does not match the index",
                    path, side_name[side], k, blocks[side][0]);
            goto fail;
        }
        for (uint64_t r = lo; r < hi; r++)
            if (oip[r - lo + 1] < oip[r - lo]) {
                rs_errf(e, RS_EDATA, "%s: block '%s' decreases at row %" PRIu64, path,
                        blocks[side][0], r);
                goto fail;
            }
        for (uint64_t p = 0; p < n; p++)
            if (oix[p] >= out->cols) {
                rs_errf(e, RS_EDATA, "%s: block '%s': index %" PRIu32 " out of range (%" PRIu32
                        " columns)", path, blocks[side][1], oix[p], out->cols);
                goto fail;
            }
    }
    for (uint64_t r = 0; r <= out->rows; r++) out->indptr[r] -= n0;
    return 0;
fail:
    rs_csr_free(out);
    return -1;
}
