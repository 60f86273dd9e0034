/* body.c: JSON request bodies; see body.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/num.h"
#include "serve/body.h"

static const char *keep(rs_srv_body *b, const char *s)
{
    rs_grow(&b->strs, &b->cap, b->nstrs + 1, sizeof *b->strs);
    return b->strs[b->nstrs++] = rs_xstrdup(s);
}

/* A scalar as parameter text, or NULL for an array or object. */
static const char *scalar(rs_srv_body *b, json_t *v)
{
    char buf[64];
    switch (json_typeof(v)) {
    case JSON_STRING: return keep(b, json_string_value(v));
    case JSON_INTEGER: snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
    case JSON_REAL: rs_num_fmt_f64(buf, json_real_value(v)); break;
    case JSON_TRUE: return keep(b, "true");
    case JSON_FALSE: return keep(b, "false");
    case JSON_NULL: return keep(b, "");
    default: return NULL;
    }
    return keep(b, buf);
}

static int items(rs_srv_body *b, json_t *arr, rs_srv_reply *r)
{
    size_t n = json_array_size(arr);
    const char **ids = rs_xmalloc((n ? n : 1) * sizeof *ids);
    b->hist.items = ids;
    b->hist.nitems = n;
    for (size_t k = 0; k < n; k++) {
        json_t *v = json_array_get(arr, k);
        if (!json_is_string(v) && !json_is_integer(v))
            return rs_srv_error(r, 400, "member 'items': entry %zu is not an id (a string or "
                                "an integer)", k + 1);
        ids[k] = scalar(b, v);
    }
    return 0;
}

static int ratings(rs_srv_body *b, json_t *arr, rs_srv_reply *r)
{
    size_t n = json_array_size(arr);
    b->ratings = rs_xmalloc((n ? n : 1) * sizeof *b->ratings);
    b->hist.ratings = b->ratings;
    b->hist.nratings = n;
    for (size_t k = 0; k < n; k++) {
        json_t *v = json_array_get(arr, k);
        if (!json_is_number(v))
            return rs_srv_error(r, 400, "member 'ratings': entry %zu is not a number", k + 1);
        b->ratings[k] = json_number_value(v);
    }
    return 0;
}

int rs_srv_body_parse(const char *text, size_t len, rs_srv_body *b, rs_srv_reply *r)
{
    memset(b, 0, sizeof *b);
    if (len == 0) return 0;
    json_error_t je;
    /* Strings with NUL bytes are refused (ids are C strings). */
    json_t *root = json_loadb(text, len, 0, &je);
    if (!root)
        return rs_srv_error(r, 400, "body: not JSON (line %d, column %d: %s)", je.line,
                            je.column, je.text);
    int rc = 0;
    if (!json_is_object(root)) {
        rc = rs_srv_error(r, 400, "body: not a JSON object");
    } else {
        const char *key;
        json_t *v;
        json_object_foreach(root, key, v) {
            if (!strcmp(key, "items") && json_is_array(v)) rc = items(b, v, r);
            else if (!strcmp(key, "ratings") && json_is_array(v)) rc = ratings(b, v, r);
            else {
                const char *s = scalar(b, v);
                if (!s) rc = rs_srv_error(r, 400, "member '%.64s': an array or object where a "
                                          "value belongs", key);
                else if (b->args.n == RS_SRV_ARGS_MAX)
                    rc = rs_srv_error(r, 400, "body: more than %d members", RS_SRV_ARGS_MAX);
                else rs_srv_args_add(&b->args, keep(b, key), s);
            }
            if (rc < 0) break;
        }
    }
    json_decref(root);
    return rc;
}

void rs_srv_body_free(rs_srv_body *b)
{
    for (size_t k = 0; k < b->nstrs; k++) free(b->strs[k]);
    free(b->strs);
    free((void *)b->hist.items);
    free(b->ratings);
    memset(b, 0, sizeof *b);
}
