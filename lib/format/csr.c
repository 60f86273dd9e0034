#include <stdlib.h>
#include <string.h>
#include "format/csr.h"


void rs_csr_transpose(const rs_csr *m, rs_csr *t)
{
    memset(t, 0, sizeof *t);
    t->rows = m->cols;
    t->cols = m->rows;
    t->nnz = m->nnz;
    t->owned = 1;
    t->indptr = rs_xcalloc((size_t)t->rows + 1, sizeof *t->indptr);
    t->indices = rs_xmalloc(m->nnz * sizeof *t->indices);
    t->values = rs_xmalloc(m->nnz * sizeof *t->values);
    if (m->times) t->times = rs_xmalloc(m->nnz * sizeof *t->times);
    for (uint64_t p = 0; p < m->nnz; p++) t->indptr[m->indices[p] + 1]++;
    for (uint32_t r = 0; r < t->rows; r++) t->indptr[r + 1] += t->indptr[r];
    uint64_t *next = rs_xmalloc(((size_t)t->rows + 1) * sizeof *next);
    memcpy(next, t->indptr, ((size_t)t->rows + 1) * sizeof *next);
    for (uint32_t r = 0; r < m->rows; r++)
        for (uint64_t p = m->indptr[r]; p < m->indptr[r + 1]; p++) {
            uint64_t q = next[m->indices[p]]++;
            t->indices[q] = r;
            t->values[q] = m->values[p];
            if (t->times) t->times[q] = m->times[p];
        }
    free(next);
}

void rs_csr_sorted_copy(const rs_csr *m, rs_csr *out)
{
    /* Transposing twice sorts each row by column, stably, in linear time. */
    rs_csr t;
    rs_csr_transpose(m, &t);
    rs_csr_transpose(&t, out);
    rs_csr_free(&t);
}

void rs_csr_free(rs_csr *m)
{
    if (m->owned) { free(m->indptr); free(m->indices); free(m->values); free(m->times); }
    memset(m, 0, sizeof *m);
}

void rs_csr_put(rs_csr *m, rs_bundle *b, int give)
{
    int own = give && m->owned;
    uint64_t *shape = rs_xmalloc(2 * sizeof *shape);
    shape[0] = m->rows;
    shape[1] = m->cols;
    rs_bundle_put(b, "shape", RS_U64, 2, 1, shape, 1);
    rs_bundle_put(b, "indptr", RS_U64, (uint64_t)m->rows + 1, 1, m->indptr, own);
    rs_bundle_put(b, "indices", RS_U32, m->nnz, 1, m->indices, own);
    rs_bundle_put(b, "values", RS_F32, m->nnz, 1, m->values, own);
    if (m->times) rs_bundle_put(b, "times", RS_I64, m->nnz, 1, m->times, own);
    else rs_bundle_remove(b, "times");
    /* A chunk index (format/chunks.h) describes the matrix it was made
     * with: a new matrix drops it (rs_chunks_put makes one anew). */
    static const char *const chunked[] = { "csc_indptr", "csc_indices", "csc_values", "chunks" };
    for (size_t k = 0; k < sizeof chunked / sizeof *chunked; k++) rs_bundle_remove(b, chunked[k]);
    if (own) m->owned = 0;
}

int rs_csr_get(const rs_bundle *b, rs_csr *m, rs_err *e)
{
    memset(m, 0, sizeof *m);
    rs_block *shape = rs_bundle_need(b, "shape", RS_U64, 2, 1, e);
    if (!shape) return -1;
    const uint64_t *s = shape->data;
    if (s[0] > UINT32_MAX || s[1] > UINT32_MAX)
        return rs_errf(e, RS_EDATA, "matrix shape %llux%llu too large",
                       (unsigned long long)s[0], (unsigned long long)s[1]);
    /* The id maps name every row and column, so a shape they do not match
     * is a lie, and one that would size allocations (a 2 KB file saying
     * 2e9 items); a bare matrix without maps is the library's own, and a
     * file has both (layout.c), so one map alone is a lie too. */
    static const char *const maps[2] = { "users", "items" };
    const rs_block *mbs[2] = { rs_bundle_get(b, maps[0]), rs_bundle_get(b, maps[1]) };
    if (!mbs[0] != !mbs[1])
        return rs_errf(e, RS_EDATA, "matrix: block '%s' without block '%s'",
                       maps[mbs[0] ? 0 : 1], maps[mbs[0] ? 1 : 0]);
    for (int k = 0; k < 2; k++) {
        const rs_block *mb = mbs[k];
        if (mb && mb->dtype == RS_STR && mb->rows != s[k])
            return rs_errf(e, RS_EDATA, "matrix shape %llux%llu does not match the %llu ids "
                           "of block '%s'", (unsigned long long)s[0], (unsigned long long)s[1],
                           (unsigned long long)mb->rows, maps[k]);
    }
    m->rows = (uint32_t)s[0];
    m->cols = (uint32_t)s[1];
    rs_block *ip = rs_bundle_need(b, "indptr", RS_U64, (uint64_t)m->rows + 1, 1, e);
    if (!ip) return -1;
    m->indptr = ip->data;
    m->nnz = m->indptr[m->rows];
    rs_block *ix = rs_bundle_need(b, "indices", RS_U32, m->nnz, 1, e);
    rs_block *v = ix ? rs_bundle_need(b, "values", RS_F32, m->nnz, 1, e) : NULL;
    if (!v) return -1;
    m->indices = ix->data;
    m->values = v->data;
    rs_block *t = rs_bundle_get(b, "times");
    if (t) {
        if (!rs_bundle_need(b, "times", RS_I64, m->nnz, 1, e)) return -1;
        m->times = t->data;
    }
    /* Checksums catch damage in transit; these catch a well-formed lie. */
    if (m->indptr[0] != 0) return rs_errf(e, RS_EDATA, "matrix: indptr[0] is not 0");
    for (uint32_t r = 0; r < m->rows; r++)
        if (m->indptr[r + 1] < m->indptr[r])
            return rs_errf(e, RS_EDATA, "matrix: indptr decreases at row %u", r);
    for (uint64_t p = 0; p < m->nnz; p++)
        if (m->indices[p] >= m->cols)
            return rs_errf(e, RS_EDATA, "matrix: column index %u out of range (%u columns)",
                           m->indices[p], m->cols);
    return 0;
}
