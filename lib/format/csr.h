/* csr.h: the sparse user-item matrix (compressed sparse rows).
 *
 * Rows are users, columns items; within a row the entries keep input order
 * (item2vec needs each user's sequence), so indices are NOT sorted.  In a
 * bundle it is the blocks indptr (U64, rows+1), indices (U32, nnz),
 * values (F32, nnz) and, optionally, times (I64, nnz); plus the id maps
 * "users" and "items" (see man/rs-format.5). */
#ifndef RS_CSR_H
#define RS_CSR_H
#include <stdint.h>
#include "format/bundle.h"

typedef struct rs_csr {
    uint32_t rows, cols;
    uint64_t nnz;
    uint64_t *indptr;       /* rows + 1 */
    uint32_t *indices;      /* nnz */
    float *values;          /* nnz (1 where the input had no rating) */
    int64_t *times;         /* nnz or NULL */
    int owned;              /* arrays malloc'd (else they point into a bundle) */
} rs_csr;

/* Transpose (items x users); stable. */
void rs_csr_transpose(const rs_csr *m, rs_csr *t);
/* A copy of m whose rows are sorted by column index. */
void rs_csr_sorted_copy(const rs_csr *m, rs_csr *out);
void rs_csr_free(rs_csr *m);

/* Put the matrix blocks into b (borrowing m's arrays: keep m alive until
 * the bundle is written, or pass give=1 to hand them over). */
void rs_csr_put(rs_csr *m, rs_bundle *b, int give);
/* View the matrix blocks of b (no copy). Checks shapes and index ranges. */
int rs_csr_get(const rs_bundle *b, rs_csr *m, rs_err *e);

#endif
