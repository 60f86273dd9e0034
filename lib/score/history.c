/* history.c: histories of users outside the model as a matrix over its
 * items (for rs_recommend_history); see recommend.h. */
#include <stdlib.h>
#include <string.h>
#include "score/recommend.h"

void rs_history_matrix(const rs_ratings *h, const rs_idmap *model_items, rs_csr *out,
                       uint64_t *unknown)
{
    uint32_t hu = rs_idmap_size(h->users);
    int64_t *map = rs_idmap_find_all(model_items, h->items);
    memset(out, 0, sizeof *out);
    out->rows = hu;
    out->cols = rs_idmap_size(model_items);
    out->owned = 1;
    out->indptr = rs_xcalloc((size_t)hu + 1, sizeof *out->indptr);
    *unknown = 0;
    for (size_t k = 0; k < h->n; k++) {
        if (map[h->i[k]] < 0) (*unknown)++;
        else out->indptr[h->u[k] + 1]++;
    }
    for (uint32_t r = 0; r < hu; r++) out->indptr[r + 1] += out->indptr[r];
    out->nnz = out->indptr[hu];
    out->indices = rs_xmalloc((out->nnz ? out->nnz : 1) * sizeof *out->indices);
    out->values = rs_xmalloc((out->nnz ? out->nnz : 1) * sizeof *out->values);
    uint64_t *next = rs_xmalloc(((size_t)hu + 1) * sizeof *next);
    memcpy(next, out->indptr, ((size_t)hu + 1) * sizeof *next);
    for (size_t k = 0; k < h->n; k++) {
        if (map[h->i[k]] < 0) continue;
        uint64_t p = next[h->u[k]]++;
        out->indices[p] = (uint32_t)map[h->i[k]];
        out->values[p] = h->r ? (float)h->r[k] : 1.0f;
    }
    free(next);
    free(map);
}
