/* layout.c: the table of bundle kinds (layout.h, man/rs-format.5 KINDS). */
#include <stdlib.h>
#include <string.h>
#include "format/layout.h"

#define N(a) (sizeof (a) / sizeof (a)[0])

static const rs_layout_block matrix_blocks[] = {
    { "meta", RS_STR, 0 }, { "users", RS_STR, 0 }, { "items", RS_STR, 0 },
    { "shape", RS_U64, 0 }, { "indptr", RS_U64, 0 }, { "indices", RS_U32, 0 },
    { "values", RS_F32, 0 }, { "times", RS_I64, 1 },
    /* rs-index --item-features / --user-features (format/featblock.h) */
    { "ifeat_names", RS_STR, 1 }, { "ifeat_indptr", RS_U64, 1 }, { "ifeat_indices", RS_U32, 1 },
    { "ifeat_values", RS_F32, 1 },
    { "ufeat_names", RS_STR, 1 }, { "ufeat_indptr", RS_U64, 1 }, { "ufeat_indices", RS_U32, 1 },
    { "ufeat_values", RS_F32, 1 },
    /* rs-index --chunks (format/chunks.h) */
    { "csc_indptr", RS_U64, 1 }, { "csc_indices", RS_U32, 1 }, { "csc_values", RS_F32, 1 },
    { "chunks", RS_U64, 1 },
};
/* writer: "PROG VERSION" of the program that wrote the file (cli's
 * rs_cmd_write_bundle sets it), so a model replaces its matrix's. */
static const rs_layout_key matrix_keys[] = {
    { "kind", 0 }, { "columns", 0 }, { "recency", 1 }, { "writer", 0 },
};

static const rs_layout_block svd_blocks[] = {
    { "user_factors", RS_F32, 0 }, { "item_factors", RS_F32, 0 }, { "sigma", RS_F32, 0 },
    { "user_bias", RS_F32, 1 }, { "item_bias", RS_F32, 1 },
};
static const rs_layout_key svd_keys[] = {
    { "model", 0 }, { "k", 0 }, { "center", 0 }, { "seed", 0 }, { "block", 0 },
    { "power", 0 }, { "tol", 0 }, { "global_bias", 0 },
};

static const rs_layout_block funk_blocks[] = {
    { "user_factors", RS_F32, 0 }, { "item_factors", RS_F32, 0 },
    { "user_bias", RS_F32, 0 }, { "item_bias", RS_F32, 0 },
};
static const rs_layout_key funk_keys[] = {
    { "model", 0 }, { "k", 0 }, { "global_bias", 0 }, { "epochs", 0 }, { "lr", 0 },
    { "lr_bias", 0 }, { "reg", 0 }, { "reg_bias", 0 }, { "init_std", 0 }, { "seed", 0 },
    { "range", 1 },
};

static const rs_layout_block als_blocks[] = {
    { "user_factors", RS_F32, 0 }, { "item_factors", RS_F32, 0 },
};
static const rs_layout_key als_keys[] = {
    { "model", 0 }, { "k", 0 }, { "global_bias", 0 }, { "alpha", 0 }, { "reg", 0 },
    { "iterations", 0 }, { "solver", 0 }, { "cg_steps", 0 }, { "seed", 0 },
    { "unobserved_weight", 1 }, { "reg_exponent", 1 },
};

static const rs_layout_block bpr_blocks[] = {
    { "user_factors", RS_F32, 0 }, { "item_factors", RS_F32, 0 }, { "item_bias", RS_F32, 0 },
};
static const rs_layout_key bpr_keys[] = {
    { "model", 0 }, { "k", 0 }, { "global_bias", 0 }, { "lr", 0 }, { "reg", 0 },
    { "iterations", 0 }, { "seed", 0 }, { "ns_exponent", 0 }, { "verify_negatives", 0 },
    { "loss", 1 }, { "max_sampled", 1 },
};

static const rs_layout_block hybrid_blocks[] = {
    { "user_factors", RS_F32, 0 }, { "item_factors", RS_F32, 0 }, { "item_bias", RS_F32, 0 },
    { "ifeat_factors", RS_F32, 1 }, { "ifeat_bias", RS_F32, 1 }, { "ufeat_factors", RS_F32, 1 },
};
static const rs_layout_key hybrid_keys[] = {
    { "model", 0 }, { "k", 0 }, { "global_bias", 0 }, { "lr", 0 }, { "reg", 0 },
    { "iterations", 0 }, { "seed", 0 }, { "ns_exponent", 0 }, { "verify_negatives", 0 },
    { "id_dropout", 0 }, { "feature_lr", 0 }, { "feature_reg", 0 },
    { "feature_ns_exponent", 0 }, { "item_features", 0 }, { "user_features", 0 },
    { "loss", 1 }, { "max_sampled", 1 },
};

static const rs_layout_block knn_item_blocks[] = {
    { "item_nbr_indptr", RS_U64, 0 }, { "item_nbr_indices", RS_U32, 0 },
    { "item_nbr_values", RS_F32, 0 },
};
static const rs_layout_key knn_item_keys[] = {
    { "model", 0 }, { "k", 0 }, { "sim", 0 }, { "weight", 0 }, { "binary", 0 },
    { "bm25_k1", 1 }, { "bm25_b", 1 }, { "features", 1 },
};

static const rs_layout_block knn_user_blocks[] = {
    { "user_nbr_indptr", RS_U64, 0 }, { "user_nbr_indices", RS_U32, 0 },
    { "user_nbr_values", RS_F32, 0 },
};
static const rs_layout_key knn_user_keys[] = {
    { "model", 0 }, { "k", 0 }, { "sim", 0 }, { "weight", 0 }, { "binary", 0 },
    { "bm25_k1", 1 }, { "bm25_b", 1 }, { "score", 0 },
};

static const rs_layout_block w2v_blocks[] = {
    { "w2v_in", RS_F32, 0 }, { "w2v_out", RS_F32, 0 }, { "w2v_count", RS_U64, 0 },
};
static const rs_layout_key w2v_keys[] = {
    { "model", 0 }, { "sg", 0 }, { "vector_size", 0 }, { "window", 0 }, { "min_count", 0 },
    { "negative", 0 }, { "ns_exponent", 0 }, { "sample", 0 }, { "alpha", 0 },
    { "min_alpha", 0 }, { "epochs", 0 }, { "cbow_mean", 0 }, { "shrink_windows", 0 },
    { "seed", 0 }, { "order", 0 }, { "vocab", 0 },
};

static const rs_layout_block ease_blocks[] = { { "ease_weights", RS_F32, 0 } };
static const rs_layout_key ease_keys[] = { { "model", 0 }, { "reg", 0 }, { "binary", 0 } };

/* RP3beta's W is stored as a knn-item model's neighbour rows. */
static const rs_layout_block rp3_blocks[] = {
    { "item_nbr_indptr", RS_U64, 0 }, { "item_nbr_indices", RS_U32, 0 },
    { "item_nbr_values", RS_F32, 0 },
};
static const rs_layout_key rp3_keys[] = {
    { "model", 0 }, { "k", 0 }, { "alpha", 0 }, { "beta", 0 }, { "binary", 0 },
};

#define KIND(name, writer, pre) { name, writer, pre##_blocks, N(pre##_blocks), pre##_keys, N(pre##_keys) }
static const rs_layout_kind kinds[] = {
    KIND("matrix", "rs-index", matrix),     /* first: the one every model sits on */
    KIND("svd", "rs-svd", svd),
    KIND("funk", "rs-svd", funk),
    KIND("als", "rs-svd", als),
    KIND("bpr", "rs-svd", bpr),
    KIND("hybrid", "rs-svd", hybrid),
    KIND("knn-item", "rs-knn", knn_item),
    KIND("knn-user", "rs-knn", knn_user),
    KIND("w2v", "rs-w2v", w2v),
    KIND("ease", "rs-knn", ease),
    KIND("rp3", "rs-knn", rp3),
};

const rs_layout_kind *rs_layout_kinds(size_t *n)
{
    *n = N(kinds);
    return kinds;
}

const rs_layout_kind *rs_layout_find(const char *name)
{
    for (size_t k = 0; k < N(kinds); k++)
        if (!strcmp(kinds[k].name, name)) return &kinds[k];
    return NULL;
}

const rs_layout_kind *rs_layout_of(const rs_bundle *b, rs_err *e)
{
    const char *model = rs_meta_get(b, "model");
    /* "matrix" is no model: a bundle saying model=matrix is not one. */
    const rs_layout_kind *k = model ? rs_layout_find(model) : &kinds[0];
    if (!k || (model && k == &kinds[0])) {
        rs_errf(e, RS_EDATA, "unknown model kind '%s'", model);
        return NULL;
    }
    return k;
}

static const rs_layout_block *own_block(const rs_layout_kind *k, const char *name)
{
    for (size_t j = 0; j < k->nblocks; j++)
        if (!strcmp(k->blocks[j].name, name)) return &k->blocks[j];
    return NULL;
}

const rs_layout_block *rs_layout_block_of(const rs_layout_kind *k, const char *name)
{
    const rs_layout_block *blk = own_block(k, name);
    return blk || k == &kinds[0] ? blk : own_block(&kinds[0], name);
}

/* The key of a "key=value" entry matches name. */
static int is_key(const char *entry, const char *name)
{
    size_t len = strlen(name);
    return !strncmp(entry, name, len) && entry[len] == '=';
}

static const rs_layout_key *own_key(const rs_layout_kind *k, const char *entry)
{
    for (size_t j = 0; j < k->nkeys; j++)
        if (is_key(entry, k->keys[j].name)) return &k->keys[j];
    return NULL;
}

const rs_layout_key *rs_layout_key_of(const rs_layout_kind *k, const char *key)
{
    for (size_t j = 0; j < k->nkeys; j++)
        if (!strcmp(k->keys[j].name, key)) return &k->keys[j];
    return k == &kinds[0] ? NULL : rs_layout_key_of(&kinds[0], key);
}

rs_block *rs_layout_need(const rs_bundle *b, const rs_layout_kind *k, const char *name,
                         uint64_t rows, uint64_t cols, rs_err *e)
{
    const rs_layout_block *lb = rs_layout_block_of(k, name);
    if (!lb) {
        rs_errf(e, RS_EDATA, "a %s bundle holds no block '%s'", k->name, name);
        return NULL;
    }
    return rs_bundle_need(b, name, lb->dtype, rows, cols, e);
}

void rs_layout_start_model(rs_bundle *b)
{
    const rs_layout_kind *m = &kinds[0];
    for (size_t i = 0; i < b->n;) {
        if (own_block(m, b->b[i].name)) i++;
        else rs_bundle_remove(b, b->b[i].name);
    }
    rs_block *meta = rs_bundle_get(b, "meta");
    if (!meta) return;
    if (meta->dtype != RS_STR) {
        rs_bundle_remove(b, "meta");
        return;
    }
    const char **s = rs_block_strs(meta);
    uint64_t n = meta->rows, kept = 0;
    for (uint64_t j = 0; j < n; j++)
        if (own_key(m, s[j])) s[kept++] = s[j];
    /* put_strs copies the strings (which point into the old block) before
     * it replaces the block, in place, so meta keeps its position. */
    if (kept == 0) rs_bundle_remove(b, "meta");
    else if (kept < n) rs_bundle_put_strs(b, "meta", s, kept);
    free(s);
}
