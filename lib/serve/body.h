/* body.h: a request's JSON body (POST), read with jansson.
 *
 * The body must be one JSON object.  Its scalar members become parameters
 * like URL arguments (strings as they are, numbers as their text, so
 * {"user": 10, "n": 15} means user=10&n=15); "items" (an array of ids,
 * strings or integers) and "ratings" (an array of numbers) make a history
 * for POST /recommend.  Other arrays and objects are refused, naming the
 * member. */
#ifndef RS_SRV_BODY_H
#define RS_SRV_BODY_H
#include <stddef.h>
#include "serve/query.h"

typedef struct rs_srv_body {
    rs_srv_args args;
    rs_srv_history hist;
    char **strs;                /* every string the above point to */
    size_t nstrs, cap;
    double *ratings;
} rs_srv_body;

/* Parse text[0..len); on error fill r with a 400 and return -1.  An
 * empty body is an empty object. */
int rs_srv_body_parse(const char *text, size_t len, rs_srv_body *b, rs_srv_reply *r);
void rs_srv_body_free(rs_srv_body *b);

#endif
