/* export.h: a model's vectors where services read them (rs-index --format).
 *
 * What is exported, by model kind (format/layout.h):
 *   svd, funk, als, bpr   user_factors and item_factors, with user_bias and
 *                         item_bias where the model has them
 *   w2v                   w2v_in of the items in the vocabulary (count > 0);
 *                         there are no user vectors
 * Any other kind (a matrix, knn, ease) has no factors: an error.
 *
 * Formats:
 *   jsonl     one JSON document a line, for mongoimport: first the model's
 *             {"_id":"model","kind":"model","model":K,"dim":D[,"global_bias":g]
 *             [,"range":[lo,hi]],"users":U,"items":I}, then per user, then
 *             per item {"_id":"user:ID","kind":"user","id":ID,"factors":[..]
 *             [,"bias":b][,"title":T]} ("item:"/"item" for items; titles
 *             only for items, when known).  Numbers are the shortest text
 *             that reads back as the same double: the float32 value exactly.
 *   redis     RESP commands for `redis-cli --pipe`: per key a DEL, then an
 *             HSET of PREFIX "model" (fields model, dim[, global_bias]
 *             [, range "lo,hi"], users, items), PREFIX "user:" ID and
 *             PREFIX "item:" ID (fields factors = dim float32 little-endian,
 *             4 x dim bytes; bias; title, as for jsonl).
 *   word2vec  the text format of word2vec and gensim: "N D", then
 *             "ID v1 .. vD" per item; a w2v model's vocabulary most frequent
 *             first (rs-w2v --export word2vec writes the same), a factor
 *             model's items in index order.  An id that is empty or holds
 *             white space is an error (the format cannot hold it).
 *
 * Output goes to f; the caller learns of write errors from the stream. */
#ifndef RS_EXPORT_H
#define RS_EXPORT_H
#include <stdint.h>
#include <stdio.h>
#include "common/err.h"
#include "format/bundle.h"

enum { RS_EXPORT_JSONL, RS_EXPORT_REDIS, RS_EXPORT_WORD2VEC };

typedef struct rs_export_opts {
    int format;                 /* RS_EXPORT_* */
    const char *prefix;         /* redis key prefix ("" for none) */
    const char *const *titles;  /* by item index (entries may be NULL), or NULL */
} rs_export_opts;

/* "jsonl", "redis" or "word2vec" -> RS_EXPORT_*, or -1. */
int rs_export_format(const char *name);

/* The titles of b's items from path (prep/titles.h), by item index, *n of
 * them (for rs_titles_free); an error when no id of path is an item of b. */
char **rs_export_titles(const rs_bundle *b, const char *path, uint32_t *n, rs_err *e);

int rs_export(FILE *f, const rs_bundle *b, const rs_export_opts *o, rs_err *e);

#endif
