/* listwrite.h: how rs-recommend writes one query's top-N list.
 *
 *   tsv    query<TAB>rank<TAB>item<TAB>score[<TAB>title[<TAB>query_title]],
 *          rank from 1
 *   jsonl  {"user":"..",["title":"..",]"items":[..],"scores":[..][,"titles":[..]]}
 *          ("item" instead of "user" for similar-item lists)
 *   redis  RESP commands for `redis-cli --pipe`: DEL key, then
 *          RPUSH key item... (when the list is not empty); key = prefix + id
 *
 * rs_listwrite_emit has the rs_rec_emit signature (recommend.h) and only
 * reads its context, so workers call it concurrently.  JSON lines are
 * written by common/json.h (ids that are not UTF-8 come out as U+FFFD). */
#ifndef RS_LISTWRITE_H
#define RS_LISTWRITE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "common/err.h"

enum { RS_LISTFMT_TSV, RS_LISTFMT_JSONL, RS_LISTFMT_REDIS };

typedef struct rs_listwrite {
    int format;
    const char *key;            /* jsonl name of the query field: "user" or "item" */
    const char *prefix;         /* redis key prefix */
    const char *const *qname;   /* query ids, by query position */
    const char *const *iname;   /* item ids, by model item index */
    const char *const *title;   /* titles by model item index (entries may be NULL), or NULL */
    const char *const *qtitle;  /* the query's own title by query position (similar-item
                                   lists; entries may be NULL), or NULL; only with title */
} rs_listwrite;

/* "tsv", "jsonl" or "redis" -> RS_LISTFMT_*, or -1. */
int rs_listwrite_format(const char *name);

int rs_listwrite_emit(void *ctx, FILE *f, size_t q, const uint32_t *items,
                     const float *scores, size_t n, rs_err *e);

#endif
