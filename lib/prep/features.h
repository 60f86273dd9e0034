/* features.h: item attributes (genres, tags) as sets, for rs-eval's
 * diversity and attribute coverage and for any later model that mixes
 * content into collaborative filtering.
 *
 * Reads MovieLens movies.csv (movieId,title,genres with genres split on
 * '|'; CSV with quoted titles, parsed with libcsv), ml-1m movies.dat
 * (id::title::genres), ml-100k u.item (id|title|date|video date|url|19
 * genre flags, in u.genre's order; Latin-1 titles are not looked at) or
 * item<TAB>attribute[<TAB>weight] lines (one pair a line; an item may have
 * many lines; the weight, a number >= 0, is 1 when left out; a repeated
 * pair keeps its first weight), or user features: ml-100k u.user
 * (user|age|gender|occupation|zip) or ml-1m users.dat
 * (user::gender::age::occupation::zip), as the attributes "age:18-24" (the
 * age bands of users.dat, ages of u.user put in them), "gender:M" and
 * "occupation:NAME" (users.dat's codes as they are), told apart from items
 * by the first line's 5 fields;
 * told apart by the first separator on the first line, as titles.h does.
 * A CSV header row (first field movieId) is skipped, and MovieLens's
 * "(no genres listed)" is no genre. */
#ifndef RS_FEATURES_H
#define RS_FEATURES_H
#include <stddef.h>
#include <stdint.h>
#include "common/err.h"
#include "common/idmap.h"

typedef struct rs_features {
    rs_idmap *items;            /* item ids as in the file */
    rs_idmap *attrs;            /* attribute names */
    /* Item k's attributes: attr[start[k] .. start[k+1]), ascending and
     * distinct; an item of the file without any has an empty range. */
    size_t *start;
    uint32_t *attr;
    float *weight;              /* beside attr: each pair's weight */
} rs_features;

typedef struct rs_features_opts {
    int year;                   /* also "year:1995" from a title ending "(1995)" */
} rs_features_opts;

/* 0, or -1 with e filled (file, line and field of a bad row). */
int rs_features_read(const char *path, rs_features *f, rs_err *e);
/* The same with options (o may be NULL: none). */
int rs_features_read_opts(const char *path, const rs_features_opts *o, rs_features *f, rs_err *e);
void rs_features_free(rs_features *f);

#endif
