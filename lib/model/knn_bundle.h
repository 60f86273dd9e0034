/* knn_bundle.h: a neighbour model (knn.h) in a bundle, and as text.
 *
 * The model of --items is kind knn-item, that of --users knn-user
 * (format/layout.h, man/rs-format.5): the matrix it was built from plus
 * the neighbour rows as a sparse n x n matrix, <prefix>_nbr_indptr (u64,
 * n + 1), _indices (u32) and _values (f32, the similarities), row q
 * holding q's neighbours best first, prefix "item" or "user"; and meta
 * model, k, sim, weight, binary, bm25_k1 and bm25_b (with bm25), score
 * (users models: sum or count). */
#ifndef RS_KNN_BUNDLE_H
#define RS_KNN_BUNDLE_H
#include <stdint.h>
#include <stdio.h>
#include "common/err.h"
#include "format/bundle.h"
#include "format/csr.h"
#include "model/knn.h"

/* "knn-item" or "knn-user": the model kind (meta model=). */
const char *rs_knn_kind(int items);

/* Replace any earlier model in b by the neighbours nb (n x n, as from
 * rs_knn_neighbors, handed over: nb is left not owning its arrays) found
 * with options o, k per row, users models scored by count (1) or sum. */
void rs_knn_put(rs_bundle *b, rs_csr *nb, const rs_knn_opts *o, uint32_t k, int count);

/* View the neighbour rows of an items (1) or users model in b, n of them,
 * checked: offsets from 0 and never decreasing, indices < n, values
 * finite. */
int rs_knn_get(const rs_bundle *b, int items, uint32_t n, rs_csr *nb, rs_err *e);

/* nb as text, one line per neighbour, rows in model order:
 * id<TAB>rank<TAB>neighbour<TAB>similarity, ids from b's id map. */
int rs_knn_write_text(FILE *f, const rs_bundle *b, const rs_csr *nb, int items, rs_err *e);

#endif
