/* chunks.h: a matrix cut in row chunks, each readable and checkable alone.
 *
 * rs-index --chunks N adds to a matrix its item-major copy (csc_indptr,
 * csc_indices, csc_values: the transpose, items x users, users ascending
 * within an item) and the block "chunks", an index of N chunks per side:
 * consecutive rows cut by nonzeros, each with its row range, its range of
 * entries and a CRC-32C of its own bytes, so that a reader fetches with
 * pread, and checks, only the rows it needs (rs-svd-mpi: each rank its
 * share of users and of items).  The container's block checksums still
 * cover every byte, for the readers of the whole file, to which these are
 * just more blocks of the matrix (man/rs-format.5). */
#ifndef RS_CHUNKS_H
#define RS_CHUNKS_H
#include <stdint.h>
#include "common/err.h"
#include "format/bundle.h"
#include "format/csr.h"

/* The columns of a row of the chunks block (u64, 2N x RS_CHUNK_COLS): rows
 * 0..N-1 are the user chunks (of indptr, indices, values), rows N..2N-1 the
 * item chunks (of the csc_ blocks).  The CRC runs over the chunk's indptr
 * entries [row_lo, row_hi] as stored, then its indices, then its values. */
enum { RS_CHUNK_ROW_LO, RS_CHUNK_ROW_HI, RS_CHUNK_NZ_LO, RS_CHUNK_NZ_HI, RS_CHUNK_CRC,
       RS_CHUNK_COLS };
enum { RS_BY_USER, RS_BY_ITEM };
#define RS_CHUNKS_MAX 1048576u

/* Add m's item-major copy and an index of n chunks a side (1..RS_CHUNKS_MAX)
 * to b, which holds m (rs_csr_put). */
void rs_chunks_put(const rs_csr *m, uint32_t n, rs_bundle *b);

typedef struct rs_chunked {
    rs_bundle_dir dir;
    uint32_t rows[2];           /* users, items */
    uint64_t nnz;
    uint32_t n;                 /* chunks a side */
    const uint64_t *tab;        /* 2n x RS_CHUNK_COLS, in small */
    rs_bundle small;            /* the blocks read whole: shape, chunks */
} rs_chunked;

/* Open path's matrix by chunks: 1 when it has a chunk index (directory,
 * shape and index checked), 0 when it is not a file with one (read it
 * whole instead; that read words any error), -1 with e filled when the
 * index is damaged or does not fit the matrix. */
int rs_chunked_open(const char *path, rs_chunked *c, rs_err *e);
void rs_chunked_close(rs_chunked *c);

/* Cut side's chunks into parts runs of about equal nonzeros: part r is
 * chunks first[r] to first[r + 1] - 1 (first has parts + 1 entries); with
 * more parts than chunks some parts are empty. */
void rs_chunked_split(const rs_chunked *c, int side, int parts, uint32_t *first);
/* The rows of chunks [from, to) of side, read with pread and each chunk's
 * CRC checked, as a matrix of their own (row 0 = the first chunk's first
 * row; columns are the other side's), owned. */
int rs_chunked_read(const rs_chunked *c, int side, uint32_t from, uint32_t to, rs_csr *out,
                    rs_err *e);
/* Row r of side's chunk table. */
const uint64_t *rs_chunked_entry(const rs_chunked *c, int side, uint32_t chunk);

#endif
