/* layout.h: what each kind of bundle holds, in one table.
 *
 * A matrix (rs-index) holds the user-item matrix and its id maps; a model
 * holds the matrix it was trained on plus its own blocks and meta keys,
 * and nothing of any earlier model.  The table here is the only list of
 * them: model writers start their output with rs_layout_start_model,
 * readers ask it for a kind's blocks, man/rs-format.5 (KINDS) lists the
 * same, and tests/unit/test_layout.c and tests/t/bundle-kinds.t check
 * that the page, the table and the programs' outputs agree. */
#ifndef RS_LAYOUT_H
#define RS_LAYOUT_H
#include <stddef.h>
#include <stdint.h>
#include "common/err.h"
#include "format/bundle.h"

typedef struct rs_layout_block {
    const char *name;
    int dtype;              /* enum rs_dtype */
    int optional;           /* 1: a writer may leave it out (e.g. svd's biases) */
} rs_layout_block;

typedef struct rs_layout_key {
    const char *name;       /* meta key, without the = */
    int optional;
} rs_layout_key;

typedef struct rs_layout_kind {
    const char *name;       /* "matrix", or a model's meta model= value */
    const char *writer;     /* the program that writes it */
    /* Its own blocks and meta keys: a model's come on top of the matrix's. */
    const rs_layout_block *blocks;
    size_t nblocks;
    const rs_layout_key *keys;
    size_t nkeys;
} rs_layout_kind;

/* Every kind, the matrix first: n of them. */
const rs_layout_kind *rs_layout_kinds(size_t *n);
/* The kind called name, or NULL. */
const rs_layout_kind *rs_layout_find(const char *name);
/* The kind of b: its meta model=, or the matrix when it has none; NULL
 * (and e filled) for a model= this build does not know. */
const rs_layout_kind *rs_layout_of(const rs_bundle *b, rs_err *e);

/* The entry of block name in kind k, counting the matrix's blocks for a
 * model; NULL when k holds no such block. */
const rs_layout_block *rs_layout_block_of(const rs_layout_kind *k, const char *name);
/* The same for a meta key. */
const rs_layout_key *rs_layout_key_of(const rs_layout_kind *k, const char *key);

/* A reader's request for one of kind k's blocks: its dtype comes from the
 * table, its shape is checked as rs_bundle_need does (rows or cols 0 =
 * any).  NULL with e filled when b lacks it or it does not fit, or when k
 * holds no such block.  (For an optional block, see rs_bundle_get first.) */
rs_block *rs_layout_need(const rs_bundle *b, const rs_layout_kind *k, const char *name,
                         uint64_t rows, uint64_t cols, rs_err *e);

/* Start a model's output from its input b: keep exactly the matrix's
 * blocks and meta keys, in their order, and drop every other block and
 * key (those of an earlier model, whatever it was), so the model then
 * adds its own onto a clean matrix. */
void rs_layout_start_model(rs_bundle *b);

#endif
