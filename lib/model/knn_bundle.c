/* knn_bundle.c: the neighbour model's blocks (knn_bundle.h). */
#include <math.h>
#include <stdlib.h>
#include "common/num.h"
#include "common/io.h"
#include "format/layout.h"
#include "format/finite.h"
#include "model/knn_bundle.h"

const char *rs_knn_kind(int items)
{
    return items ? "knn-item" : "knn-user";
}

/* part is indptr, indices or values. */
static void block_name(char *buf, size_t n, int items, const char *part)
{
    snprintf(buf, n, "%s_nbr_%s", items ? "item" : "user", part);
}

static void put_num(rs_bundle *b, const char *key, double v)
{
    char buf[RS_NUM_BUF];
    rs_num_fmt_f64(buf, v);
    rs_meta_set(b, key, buf);
}

void rs_knn_put(rs_bundle *b, rs_csr *nb, const rs_knn_opts *o, uint32_t k, int count)
{
    char name[RS_NAME_MAX + 1];
    rs_layout_start_model(b);
    block_name(name, sizeof name, o->items, "indptr");
    rs_bundle_put(b, name, RS_U64, (uint64_t)nb->rows + 1, 1, nb->indptr, 1);
    block_name(name, sizeof name, o->items, "indices");
    rs_bundle_put(b, name, RS_U32, nb->nnz, 1, nb->indices, 1);
    block_name(name, sizeof name, o->items, "values");
    rs_bundle_put(b, name, RS_F32, nb->nnz, 1, nb->values, 1);
    nb->owned = 0;
    rs_meta_set(b, "model", rs_knn_kind(o->items));
    put_num(b, "k", k);
    rs_meta_set(b, "sim", rs_knn_sim_name(o->sim));
    rs_meta_set(b, "weight", rs_knn_weight_name(o->weight));
    rs_meta_set(b, "binary", o->binary ? "1" : "0");
    if (o->weight == RS_KNN_BM25) {
        put_num(b, "bm25_k1", o->bm25_k1);
        put_num(b, "bm25_b", o->bm25_b);
    }
    if (!o->items) rs_meta_set(b, "score", count ? "count" : "sum");
}

int rs_knn_get(const rs_bundle *b, int items, uint32_t n, rs_csr *nb, rs_err *e)
{
    const rs_layout_kind *kind = rs_layout_find(rs_knn_kind(items));
    char name[3][RS_NAME_MAX + 1];
    block_name(name[0], sizeof name[0], items, "indptr");
    block_name(name[1], sizeof name[1], items, "indices");
    block_name(name[2], sizeof name[2], items, "values");
    rs_block *ip = rs_layout_need(b, kind, name[0], (uint64_t)n + 1, 1, e);
    if (!ip) return -1;
    const uint64_t *p = ip->data;
    uint64_t nnz = p[n];
    rs_block *ix = rs_layout_need(b, kind, name[1], nnz, 1, e);
    rs_block *v = ix ? rs_layout_need(b, kind, name[2], nnz, 1, e) : NULL;
    if (!v) return -1;
    if (p[0] != 0) return rs_errf(e, RS_EDATA, "model: %s[0] is not 0", name[0]);
    for (uint32_t r = 0; r < n; r++)
        if (p[r + 1] < p[r]) return rs_errf(e, RS_EDATA, "model: %s decreases at row %u", name[0], r);
    const uint32_t *idx = ix->data;
    for (uint64_t q = 0; q < nnz; q++)
        if (idx[q] >= n)
            return rs_errf(e, RS_EDATA, "model: %s: index %u out of range (%u)", name[1], idx[q], n);
    if (rs_block_check_finite(b, name[2], e) < 0) return -1;
    *nb = (rs_csr){ .rows = n, .cols = n, .nnz = nnz, .indptr = ip->data,
                    .indices = ix->data, .values = v->data };
    return 0;
}

int rs_knn_write_text(FILE *f, const rs_bundle *b, const rs_csr *nb, int items, rs_err *e)
{
    rs_block *blk = rs_layout_need(b, rs_layout_find("matrix"), items ? "items" : "users",
                                   nb->rows, 1, e);
    if (!blk) return -1;
    const char **ids = rs_block_strs(blk);
    for (uint32_t q = 0; q < nb->rows; q++)
        for (uint64_t p = nb->indptr[q]; p < nb->indptr[q + 1]; p++) {
            fputs(ids[q], f);
            putc('\t', f);
            rs_put_u64(f, p - nb->indptr[q] + 1);
            putc('\t', f);
            fputs(ids[nb->indices[p]], f);
            putc('\t', f);
            rs_put_f32(f, nb->values[p]);
            putc('\n', f);
        }
    free(ids);
    return 0;
}
