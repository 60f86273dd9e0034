/* featblock.h: side features of the users or the items in a matrix bundle
 * (rs-index --user-features / --item-features; man/rs-format.5).
 *
 * A side ("ufeat" for the users, "ifeat" for the items) is a sparse matrix
 * of weights, one row per user or item of the bundle (the id maps "users"
 * and "items" name its rows) and one column per feature: the blocks
 * SIDE_names (STR, the features), SIDE_indptr (U64, rows + 1),
 * SIDE_indices (U32, sorted and distinct within a row) and SIDE_values
 * (F32, finite and >= 0).  A row without features is empty. */
#ifndef RS_FEATBLOCK_H
#define RS_FEATBLOCK_H
#include <stdint.h>
#include "common/err.h"
#include "common/idmap.h"
#include "format/bundle.h"
#include "format/csr.h"

/* Put m (rows x features, handed over) and the feature names into b. */
void rs_featblock_put(rs_bundle *b, const char *side, rs_csr *m, const rs_idmap *names);
/* View side's matrix in b, checked (rows must be the bundle's rows of
 * that side): 1 when there, 0 when b has none (m zeroed), -1 with e
 * filled when it is damaged. */
int rs_featblock_get(const rs_bundle *b, const char *side, uint32_t rows, rs_csr *m, rs_err *e);

#endif
