/* query.h: the answers of rs-serve, as functions of a model and a query,
 * with no HTTP in them (server.c routes requests here; tests and fuzzing
 * call them directly).
 *
 * Each fills an rs_srv_reply: an HTTP status, a content type and a
 * malloc'd body.  Bad queries are answered, never fatal: a missing or
 * malformed parameter is 400 and names it, an id the model does not know
 * is 404, a question the model's kind cannot answer (similar items of a
 * popularity model) is 400; the body is then {"error":"...","status":N}.
 *
 * Lists are made exactly as rs-recommend makes them (rs_rec_top_row, or
 * for /recommended the scorer's user_top, which gives the same list
 * without scoring every item) and written by its own list writer (rs_listwrite_emit, JSON lines), so
 * /recommended?user=U&n=N answers, byte for byte, the line of
 * `rs-recommend -m MODEL --user U -n N --format jsonl [--items FILE]`. */
#ifndef RS_SRV_QUERY_H
#define RS_SRV_QUERY_H
#include <stddef.h>
#include "serve/model.h"

enum { RS_SRV_ARGS_MAX = 64 };

/* Query parameters (URL arguments or a JSON body's scalar members), in
 * order; the first of a repeated key counts.  val is NULL for a key
 * given without '='.  Strings belong to the caller. */
typedef struct rs_srv_args {
    size_t n;
    const char *key[RS_SRV_ARGS_MAX], *val[RS_SRV_ARGS_MAX];
} rs_srv_args;

/* Append (ignored beyond RS_SRV_ARGS_MAX, counted in dropped). */
void rs_srv_args_add(rs_srv_args *a, const char *key, const char *val);
/* The value of key; *given tells a key given without a value from one
 * not given at all. */
const char *rs_srv_arg(const rs_srv_args *a, const char *key, int *given);

typedef struct rs_srv_reply {
    int status;
    const char *type;           /* static */
    char *body;                 /* malloc'd */
    size_t len;
} rs_srv_reply;

#define RS_SRV_JSON "application/json"
#define RS_SRV_HTML "text/html; charset=utf-8"

void rs_srv_reply_free(rs_srv_reply *r);
/* {"error":"<msg>","status":N}; returns -1 so handlers can return it. */
int rs_srv_error(rs_srv_reply *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A list length from key (default dflt when not given): 1..max, else 400. */
int rs_srv_arg_n(const rs_srv_args *a, const char *key, size_t dflt, size_t max, size_t *n,
                 rs_srv_reply *r);

/* GET /recommended?user=ID&n=N: the user's top N without her training
 * items.  ukey/nkey name the parameters (/recs uses user_id and top);
 * html writes a page (a table: rank, item, title, score) instead. */
int rs_srv_recommended(const rs_srv_model *m, const rs_srv_args *a, const char *ukey,
                       const char *nkey, int html, rs_srv_reply *r);
/* GET /similar?item=ID&n=N: rs-recommend --similar's line. */
int rs_srv_similar(const rs_srv_model *m, const rs_srv_args *a, rs_srv_reply *r);
/* GET /predict?user=ID&item=ID: {"user":..,"item":..,"score":..}, the
 * score written as rs-recommend --predict writes it. */
int rs_srv_predict(const rs_srv_model *m, const rs_srv_args *a, rs_srv_reply *r);
/* GET /viewed?user=ID&n=N[&order=rating|time]: the user's own items of
 * the matrix t, best rated (ties: most recent) or most recent first:
 * {"user":..,"items":[..],"ratings":[..][,"times":[..]][,"titles":[..]]}. */
int rs_srv_viewed(const rs_srv_model *t, const rs_srv_args *a, rs_srv_reply *r);

/* A history for POST /recommend (a user the model has never seen). */
typedef struct rs_srv_history {
    const char *const *items;   /* item ids, in order */
    size_t nitems;
    const double *ratings;      /* nitems values, or NULL (each counts 1) */
    size_t nratings;
} rs_srv_history;

/* Fold-in: rs-recommend --history's line for that user (the name is
 * a's "user", default "new"); the model's unknown items are left out, as
 * rs-recommend leaves them out. */
int rs_srv_history_recommend(const rs_srv_model *m, const rs_srv_args *a,
                             const rs_srv_history *h, rs_srv_reply *r);

#endif
