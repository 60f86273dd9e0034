/* json.h: the one JSON writer of rs (rs-eval's reports, rs-recommend's JSON
 * lines, HTTP responses).  It appends to a FILE* or to a growable memory
 * buffer and places commas and colons itself, so callers only say what
 * comes next:
 *
 *   rs_json j;
 *   rs_json_init_buf(&j, 0);                 // or rs_json_init_file(&j, stdout, 0)
 *   rs_json_object_begin(&j);
 *   rs_json_key(&j, "user");   rs_json_string(&j, id);
 *   rs_json_key(&j, "items");  rs_json_array_begin(&j);
 *   for (k = 0; k < n; k++)    rs_json_string(&j, name[k]);
 *   rs_json_array_end(&j);
 *   rs_json_key(&j, "score");  rs_json_number(&j, 0.25);
 *   rs_json_object_end(&j);                  // {"user":"u1","items":["a","b"],"score":0.25}
 *   if (rs_json_ok(&j)) send(fd, j.buf, j.len, 0);
 *   rs_json_free(&j);
 *
 * What is always true of the output:
 *   - strings are valid JSON and valid UTF-8 whatever the input bytes:
 *     '"' and '\' are escaped, control characters (0x00-0x1f, 0x7f) are
 *     written \u00XX, and every byte that does not start a valid UTF-8
 *     sequence (common/utf8.h: overlong forms, surrogates, stray or
 *     truncated bytes) becomes \ufffd, U+FFFD; valid UTF-8 passes unchanged;
 *   - numbers that are not finite (NaN, +-inf) are written null.
 *
 * Misuse (a key outside an object, a value where an object wants a key, an
 * end that does not match its begin, nesting deeper than RS_JSON_MAX_DEPTH)
 * writes nothing for that call and makes rs_json_ok return 0: test it
 * before using the text.  Running out of memory exits, as everywhere in rs
 * (common/err.h).  Write errors on a FILE are the FILE's: check them where
 * it is closed (rs_out_close).
 *
 * A writer is used by one thread at a time.  File mode writes with the
 * _unlocked stdio calls: give each thread its own FILE, or flockfile it. */
#ifndef RS_JSON_H
#define RS_JSON_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { RS_JSON_MAX_DEPTH = 64 };

/* Flags of rs_json_init_*: the default is compact ({"a":1,"b":[2,3]}). */
enum { RS_JSON_SPACED = 1 };    /* ", " between values and ": " after keys */

typedef struct rs_json {
    char *buf;                  /* memory mode: the text so far, NUL-terminated */
    size_t len, cap;
    /* The rest is the writer's own. */
    FILE *f;                    /* file mode, else NULL */
    unsigned flags;
    int depth, after_key, bad;
    uint64_t in_object, has_value;  /* bit d: container at depth d is an object; has a value */
} rs_json;

/* Start a writer that appends to f (file mode) or to j->buf (memory mode). */
void rs_json_init_file(rs_json *j, FILE *f, unsigned flags);
void rs_json_init_buf(rs_json *j, unsigned flags);
/* Back to the top level with no error; memory mode also empties the buffer
 * (and keeps its allocation, for the next response). */
void rs_json_reset(rs_json *j);
/* Free the memory buffer (nothing to do in file mode). */
void rs_json_free(rs_json *j);
/* 1 when every call so far was well-formed and every container is closed. */
int rs_json_ok(const rs_json *j);

void rs_json_object_begin(rs_json *j);
void rs_json_object_end(rs_json *j);
void rs_json_array_begin(rs_json *j);
void rs_json_array_end(rs_json *j);
/* The next member's name, inside an object. */
void rs_json_key(rs_json *j, const char *key);

/* Values: inside an array, after a key, or at the top level. */
void rs_json_string(rs_json *j, const char *s);
void rs_json_string_n(rs_json *j, const char *s, size_t n);    /* NUL bytes allowed */
/* Shortest text that reads back as the same double ("0.1", "3", "1e+300"). */
void rs_json_number(rs_json *j, double v);
/* The same for a value stored as float: the shortest text that reads back
 * as the same float ("0.1", not "0.10000000149011612"). */
void rs_json_number_f32(rs_json *j, float v);
/* printf "%.*f" with that many decimals, for reports with fixed columns. */
void rs_json_fixed(rs_json *j, double v, int decimals);
void rs_json_int(rs_json *j, int64_t v);
void rs_json_uint(rs_json *j, uint64_t v);
void rs_json_bool(rs_json *j, int v);
void rs_json_null(rs_json *j);
/* A value the caller has already written in JSON syntax (not checked). */
void rs_json_raw(rs_json *j, const char *text, size_t n);

/* A line break between top-level values (JSON lines); only at the top level. */
void rs_json_newline(rs_json *j);

#endif
