/* featblock.c: side feature matrices in a bundle (featblock.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "format/featblock.h"
#include "format/idmap_block.h"

static void name_of(char *buf, size_t n, const char *side, const char *what)
{
    snprintf(buf, n, "%s_%s", side, what);
}

void rs_featblock_put(rs_bundle *b, const char *side, rs_csr *m, const rs_idmap *names)
{
    char nm[64];
    int own = m->owned;
    name_of(nm, sizeof nm, side, "names");
    rs_idmap_put(names, b, nm);
    name_of(nm, sizeof nm, side, "indptr");
    rs_bundle_put(b, nm, RS_U64, (uint64_t)m->rows + 1, 1, m->indptr, own);
    name_of(nm, sizeof nm, side, "indices");
    rs_bundle_put(b, nm, RS_U32, m->nnz, 1, m->indices, own);
    name_of(nm, sizeof nm, side, "values");
    rs_bundle_put(b, nm, RS_F32, m->nnz, 1, m->values, own);
    m->owned = 0;
}

int rs_featblock_get(const rs_bundle *b, const char *side, uint32_t rows, rs_csr *m, rs_err *e)
{
    char nm[64];
    memset(m, 0, sizeof *m);
    name_of(nm, sizeof nm, side, "indptr");
    if (!rs_bundle_get(b, nm)) return 0;
    rs_block *ip = rs_bundle_need(b, nm, RS_U64, (uint64_t)rows + 1, 1, e);
    name_of(nm, sizeof nm, side, "names");
    rs_block *names = ip ? rs_bundle_need(b, nm, RS_STR, 0, 1, e) : NULL;
    if (!names) return -1;
    const uint64_t *indptr = ip->data;
    uint64_t nnz = indptr[rows];
    name_of(nm, sizeof nm, side, "indices");
    rs_block *ix = rs_bundle_need(b, nm, RS_U32, nnz, 1, e);
    name_of(nm, sizeof nm, side, "values");
    rs_block *v = ix ? rs_bundle_need(b, nm, RS_F32, nnz, 1, e) : NULL;
    if (!v) return -1;
    if (names->rows > UINT32_MAX) return rs_errf(e, RS_EDATA, "%s_names: too many features", side);
    m->rows = rows;
    m->cols = (uint32_t)names->rows;
    m->nnz = nnz;
    m->indptr = ip->data;
    m->indices = ix->data;
    m->values = v->data;
    if (indptr[0] != 0) return rs_errf(e, RS_EDATA, "%s_indptr: first offset is not 0", side);
    for (uint32_t r = 0; r < rows; r++) {
        if (indptr[r + 1] < indptr[r])
            return rs_errf(e, RS_EDATA, "%s_indptr: decreases at row %u", side, r);
        for (uint64_t p = indptr[r]; p < indptr[r + 1]; p++) {
            if (m->indices[p] >= m->cols || (p > indptr[r] && m->indices[p] <= m->indices[p - 1]))
                return rs_errf(e, RS_EDATA, "%s_indices: row %u: feature %u out of order or "
                               "out of range (%u features)", side, r, m->indices[p], m->cols);
            if (!isfinite(m->values[p]) || m->values[p] < 0)
                return rs_errf(e, RS_EDATA, "%s_values: row %u: weight %g is not finite and >= 0",
                               side, r, (double)m->values[p]);
        }
    }
    return 1;
}
