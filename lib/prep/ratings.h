/* ratings.h: a table of interactions, read from and written as canonical TSV.
 *
 * Canonical TSV: user<TAB>item[<TAB>rating[<TAB>timestamp]], one interaction
 * a line, '#' lines are comments.  Ratings are finite doubles, timestamps
 * Unix seconds (int64).  Rows keep input order. */
#ifndef RS_RATINGS_H
#define RS_RATINGS_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "common/idmap.h"
#include "format/csr.h"
#include "common/io.h"
#include "common/shard.h"

#define RS_ID_MAX 1024      /* longest id accepted, in bytes, by every reader */

typedef struct rs_ratings {
    rs_idmap *users, *items;
    uint32_t *u, *i;        /* dense ids */
    double *r;              /* NULL when no line had a rating */
    int64_t *t;             /* NULL when no line had a timestamp */
    size_t n, cap;
} rs_ratings;

void rs_ratings_init(rs_ratings *rt);       /* empty, with fresh id maps */
void rs_ratings_free(rs_ratings *rt);
/* Start keeping ratings and/or timestamps (on an empty table). */
void rs_ratings_keep(rs_ratings *rt, int rating, int time);
/* Make room for need rows in all columns (an estimate is fine). */
void rs_ratings_reserve(rs_ratings *rt, size_t need);
/* Append one interaction (rating/time ignored if the table lacks them). */
void rs_ratings_add(rs_ratings *rt, uint32_t u, uint32_t i, double r, int64_t t);

/* Keep only the rows k with keep[k] != 0, in their order. */
void rs_ratings_select(rs_ratings *rt, const unsigned char *keep);
/* Keep only the rows of the shard's users (--shard; all rows when sh->n
 * is 0). */
void rs_ratings_shard(rs_ratings *rt, const rs_shard *sh);
/* Append src's rows to dst, translating src's ids into dst's id maps (new
 * ones in src's first-seen order).  Both tables keep the same columns. */
void rs_ratings_append(rs_ratings *dst, const rs_ratings *src);
/* Read canonical TSV, appending.  Errors name file, line and field.  Every
 * line must have the same number of columns (2, 3 or 4).  An empty input
 * is an error unless allow_empty. */
int rs_ratings_read_tsv(rs_in *in, rs_ratings *rt, int allow_empty, rs_err *e);
/* Read canonical TSV from each path in turn (NULL/"-" = stdin). */
int rs_ratings_read_paths(char *const *paths, int npaths, rs_ratings *rt, rs_err *e);

/* Write the rows k with sel[k] == value, or all rows when sel is NULL. */
void rs_ratings_write_tsv(FILE *f, const rs_ratings *rt, const unsigned char *sel, int value);
/* The same with jobs threads formatting rows (the text is the same). */
void rs_ratings_write_tsv_jobs(FILE *f, const rs_ratings *rt, const unsigned char *sel, int value,
                               int jobs);

/* A NUL-terminated rating (a value that fits a float) or timestamp (int64),
 * by the strict rules of common/num.h.  Return 0 or -1 (leaving a short
 * reason in why). */
int rs_parse_rating(const char *s, double *out, const char **why);
int rs_parse_time(const char *s, int64_t *out, const char **why);

/* The table as a matrix: rows users, columns items, stable (input order
 * within each row). */
void rs_csr_from_ratings(rs_csr *m, const rs_ratings *rt);

#endif
