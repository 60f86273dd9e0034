/* features.h: item attributes (genres, tags) as sets, for rs-eval's
 * diversity and attribute coverage and for any later model that mixes
 * content into collaborative filtering.
 *
 * Reads MovieLens movies.csv (movieId,title,genres with genres split on
 * '|'; CSV with quoted titles, parsed with libcsv), ml-1m movies.dat
 * (id::title::genres), ml-100k u.item (id|title|date|video date|url|19
 * genre flags, in u.genre's order; Latin-1 titles are not looked at) or
 * item<TAB>attribute lines (one pair a line; an item may have many lines),
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
} rs_features;

/* 0, or -1 with e filled (file, line and field of a bad row). */
int rs_features_read(const char *path, rs_features *f, rs_err *e);
void rs_features_free(rs_features *f);

#endif
