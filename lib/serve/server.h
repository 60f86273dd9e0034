/* server.h: rs-serve's HTTP service (libmicrohttpd) over a model slot.
 *
 * Requests run on a pool of libmicrohttpd threads; each takes the current
 * model from the slot (model.h), answers with query.h, and is counted in
 * the endpoint's statistics (stats.h).  A refit (POST /recompute) runs on
 * a thread of its own and swaps its model in when done; rs_srv_reload does
 * the same with the model file.  Nothing here prints: messages for the log
 * go to the caller's log function. */
#ifndef RS_SRV_SERVER_H
#define RS_SRV_SERVER_H
#include <stddef.h>
#include "common/err.h"

typedef struct rs_srv_opts {
    const char *model_path;     /* the model file (read again by reload) */
    const char *train_path;     /* matrix for /viewed and refits, or NULL: the model's */
    const char *titles_path;    /* titles file, or NULL */
    const char *listen;         /* "HOST:PORT" or "[V6]:PORT"; port 0 = any free one */
    int threads;                /* HTTP worker threads, >= 1 */
    int fit_threads;            /* threads of a refit, >= 1 */
    size_t max_body;            /* bytes; larger bodies get 413 */
    void (*log)(void *ctx, const char *msg);   /* or NULL */
    void *log_ctx;
} rs_srv_opts;

typedef struct rs_srv rs_srv;

/* Load the model (and matrix, titles) and start answering.  Fails
 * RS_EUSAGE on a bad listen address, RS_EDATA on bad files or a port that
 * cannot be bound. */
rs_srv *rs_srv_start(const rs_srv_opts *o, rs_err *e);
/* "HOST:PORT" actually listened on (the port chosen when 0 was asked). */
const char *rs_srv_address(const rs_srv *s);
/* Load the model file again and swap it in (requests go on meanwhile). */
int rs_srv_reload(rs_srv *s, rs_err *e);
/* Stop accepting, let the requests in flight finish (at most grace
 * seconds), stop and free everything.  A refit still running is waited
 * for only grace seconds too: past that, 1 is returned and s is left to
 * the exiting process. */
int rs_srv_stop(rs_srv *s, double grace);

#endif
