/* query.c: what each endpoint answers; see query.h. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/num.h"
#include "common/io.h"
#include "common/json.h"
#include "common/topk.h"
#include "score/listwrite.h"
#include "score/recommend.h"
#include "serve/query.h"

void rs_srv_args_add(rs_srv_args *a, const char *key, const char *val)
{
    if (a->n < RS_SRV_ARGS_MAX) {
        a->key[a->n] = key;
        a->val[a->n++] = val;
    }
}

const char *rs_srv_arg(const rs_srv_args *a, const char *key, int *given)
{
    for (size_t k = 0; k < a->n; k++)
        if (strcmp(a->key[k], key) == 0) {
            if (given) *given = 1;
            return a->val[k];
        }
    if (given) *given = 0;
    return NULL;
}

void rs_srv_reply_free(rs_srv_reply *r)
{
    free(r->body);
    r->body = NULL;
    r->len = 0;
}

/* Hand the writer's text to the reply. */
static int take_json(rs_srv_reply *r, rs_json *j, int status)
{
    free(r->body);
    r->status = status;
    r->type = RS_SRV_JSON;
    r->body = j->buf;
    r->len = j->len;
    j->buf = NULL;
    j->len = j->cap = 0;
    return 0;
}

int rs_srv_error(rs_srv_reply *r, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rs_json j;
    rs_json_init_buf(&j, 0);
    rs_json_object_begin(&j);
    rs_json_key(&j, "error");
    rs_json_string(&j, msg);
    rs_json_key(&j, "status");
    rs_json_int(&j, status);
    rs_json_object_end(&j);
    rs_json_newline(&j);
    take_json(r, &j, status);
    return -1;
}

/* A value as it goes into a message: bounded, for a query can be long. */
static const char *shown(const char *v, char *buf, size_t n)
{
    size_t len = strlen(v);
    if (len < n) return v;
    snprintf(buf, n, "%.*s...", (int)(n - 4), v);
    return buf;
}

/* A required parameter's value: 400 when it is missing or empty. */
static const char *need(const rs_srv_args *a, const char *key, rs_srv_reply *r)
{
    int given;
    const char *v = rs_srv_arg(a, key, &given);
    if (!v || !*v) {
        rs_srv_error(r, 400, given ? "parameter '%s' has no value" : "missing parameter '%s'",
                     key);
        return NULL;
    }
    return v;
}

int rs_srv_arg_n(const rs_srv_args *a, const char *key, size_t dflt, size_t max, size_t *n,
                 rs_srv_reply *r)
{
    int given;
    const char *v = rs_srv_arg(a, key, &given);
    if (!given) {
        *n = dflt < max ? dflt : max;
        return 0;
    }
    char buf[64];
    char *end = NULL;
    errno = 0;
    long long x = v && *v >= '0' && *v <= '9' ? strtoll(v, &end, 10) : -1;
    if (!v || !end || *end || errno || x < 1 || (unsigned long long)x > max)
        return rs_srv_error(r, 400, "parameter '%s': '%s' is not a whole number from 1 to %zu",
                            key, v ? shown(v, buf, sizeof buf) : "", max);
    *n = (size_t)x;
    return 0;
}

/* Dense index of id in map, or 404. */
static int64_t find(const rs_idmap *map, const char *id, const char *what, rs_srv_reply *r)
{
    char buf[64];
    int64_t v = rs_idmap_find(map, id, strlen(id));
    if (v < 0) rs_srv_error(r, 404, "unknown %s '%s' (not in the model)", what,
                            shown(id, buf, sizeof buf));
    return v;
}

/* A list (items best first) as rs-recommend's JSON line, into r. */
/* The list as rs-recommend's JSON line; qtitle: the query item's own title
 * (similar items, when titles are loaded), else NULL. */
static int list_reply(const rs_srv_model *m, const char *key, const char *qname,
                      const char *qtitle, const uint32_t *items, const float *scores, size_t n,
                      rs_srv_reply *r)
{
    rs_listwrite w = { .format = RS_LISTFMT_JSONL, .key = key, .qname = &qname,
                       .iname = m->iname, .title = (const char *const *)m->titles,
                       .qtitle = m->titles ? &qtitle : NULL };
    char *text = NULL;
    size_t len = 0;
    rs_err e = { 0 };
    FILE *f = open_memstream(&text, &len);
    if (!f) return rs_srv_error(r, 500, "out of memory");
    int rc = rs_listwrite_emit(&w, f, 0, items, scores, n, &e);
    if (fclose(f) != 0 || rc < 0) {
        free(text);
        return rs_srv_error(r, 500, "%s", rc < 0 ? e.msg : "out of memory");
    }
    free(r->body);
    r->status = 200;
    r->type = RS_SRV_JSON;
    r->body = text;
    r->len = len;
    return 0;
}

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: putc(*s, f);
        }
}

static int html_reply(const rs_srv_model *m, const char *user, const uint32_t *items,
                      const float *scores, size_t n, rs_srv_reply *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return rs_srv_error(r, 500, "out of memory");
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Recommendations for user ",
          f);
    html_text(f, user);
    fputs("</title></head>\n<body>\n<h1>Recommendations for user ", f);
    html_text(f, user);
    fputs("</h1>\n<table>\n<tr><th>rank</th><th>item</th><th>title</th><th>score</th></tr>\n", f);
    for (size_t k = 0; k < n; k++) {
        const char *t = m->titles ? m->titles[items[k]] : NULL;
        fprintf(f, "<tr><td>%zu</td><td>", k + 1);
        html_text(f, m->iname[items[k]]);
        fputs("</td><td>", f);
        html_text(f, t ? t : "");
        fputs("</td><td>", f);
        if (isfinite(scores[k])) rs_put_f32(f, scores[k]);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n</body></html>\n", f);
    if (fclose(f) != 0) {
        free(text);
        return rs_srv_error(r, 500, "out of memory");
    }
    free(r->body);
    r->status = 200;
    r->type = RS_SRV_HTML;
    r->body = text;
    r->len = len;
    return 0;
}

/* The top n of one scored row with mask[0..nmask) left out. */
typedef struct top {
    rs_topk t;
    float *row;
    size_t n;
} top;

static void top_init(top *t, uint32_t nitems, size_t n)
{
    t->row = rs_xmalloc((nitems ? nitems : 1) * sizeof *t->row);
    rs_topk_init(&t->t, n);
    t->n = 0;
}

static void top_free(top *t)
{
    free(t->row);
    rs_topk_free(&t->t);
}

int rs_srv_recommended(const rs_srv_model *m, const rs_srv_args *a, const char *ukey,
                       const char *nkey, int html, rs_srv_reply *r)
{
    uint32_t ni = m->train->cols;
    const char *user = need(a, ukey, r);
    size_t n;
    if (!user || rs_srv_arg_n(a, nkey, 10, ni, &n, r) < 0) return -1;
    int64_t u = find(m->users, user, "user", r);
    if (u < 0) return -1;
    /* rs-recommend's list without scoring the whole row where the kind can
     * (scorer.h user_top): a factor model scores a few hundred items. */
    rs_topk t;
    rs_topk_init(&t, n);
    uint32_t uu = (uint32_t)u;
    const rs_csr *tr = m->train;
    uint64_t p0 = tr->indptr[uu], p1 = tr->indptr[uu + 1];
    rs_err e = { 0 };
    size_t len = 0;
    int rc;
    if (rs_scorer_user_top(m->s, uu, tr->indices + p0, (size_t)(p1 - p0), &t, NULL, &len, &e) < 0)
        rc = rs_srv_error(r, 500, "%s", e.msg);
    else
        rc = html ? html_reply(m, user, t.idx, t.score, len, r)
                  : list_reply(m, "user", user, NULL, t.idx, t.score, len, r);
    rs_topk_free(&t);
    return rc;
}

int rs_srv_similar(const rs_srv_model *m, const rs_srv_args *a, rs_srv_reply *r)
{
    uint32_t ni = m->train->cols;
    const char *item = need(a, "item", r);
    size_t n;
    if (!item || rs_srv_arg_n(a, "n", 10, ni, &n, r) < 0) return -1;
    if (!rs_scorer_can_similar(m->s))
        return rs_srv_error(r, 400, "a %s model has no notion of item similarity", m->kind);
    int64_t i = find(m->items, item, "item", r);
    if (i < 0) return -1;
    top t;
    top_init(&t, ni, n);
    uint32_t ii = (uint32_t)i;
    rs_err e = { 0 };
    int rc;
    if (rs_scorer_similar(m->s, ii, t.row, &e) < 0) {
        rc = rs_srv_error(r, 500, "%s", e.msg);
    } else {
        t.n = rs_rec_top_row(&t.t, t.row, ni, &ii, 1);
        rc = list_reply(m, "item", item, m->titles ? m->titles[ii] : NULL, t.t.idx, t.t.score, t.n, r);
    }
    top_free(&t);
    return rc;
}

/* v (a float score) as rs-recommend writes it, as JSON: the shortest text
 * that reads back as the same float. */
static void json_score(rs_json *j, float v)
{
    rs_json_number_f32(j, v);
}

int rs_srv_predict(const rs_srv_model *m, const rs_srv_args *a, rs_srv_reply *r)
{
    const char *user = need(a, "user", r);
    const char *item = user ? need(a, "item", r) : NULL;
    if (!item) return -1;
    if (!rs_scorer_can_predict(m->s))
        return rs_srv_error(r, 400, "a %s model does not predict ratings", m->kind);
    int64_t u = find(m->users, user, "user", r);
    int64_t i = u < 0 ? -1 : find(m->items, item, "item", r);
    if (i < 0) return -1;
    float score;
    rs_err e = { 0 };
    if (rs_scorer_predict(m->s, &u, &i, 1, &score, &e) < 0)
        return rs_srv_error(r, 500, "%s", e.msg);
    rs_json j;
    rs_json_init_buf(&j, 0);
    rs_json_object_begin(&j);
    rs_json_key(&j, "user");
    rs_json_string(&j, user);
    rs_json_key(&j, "item");
    rs_json_string(&j, item);
    rs_json_key(&j, "score");
    json_score(&j, score);
    rs_json_object_end(&j);
    rs_json_newline(&j);
    return take_json(r, &j, 200);
}

typedef struct viewed_ctx {
    const rs_csr *m;
    int by_time;
} viewed_ctx;

static int view_cmp_r(const void *pa, const void *pb, void *c)
{
    const viewed_ctx *v = c;
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    float ra = v->m->values[a], rb = v->m->values[b];
    int64_t ta = v->m->times ? v->m->times[a] : 0, tb = v->m->times ? v->m->times[b] : 0;
    if (v->by_time && ta != tb) return ta > tb ? -1 : 1;
    if (ra != rb) return ra > rb ? -1 : 1;
    if (ta != tb) return ta > tb ? -1 : 1;
    return a < b ? -1 : a > b;      /* input order */
}

int rs_srv_viewed(const rs_srv_model *t, const rs_srv_args *a, rs_srv_reply *r)
{
    const char *user = need(a, "user", r);
    size_t n;
    if (!user || rs_srv_arg_n(a, "n", 10, t->train->cols, &n, r) < 0) return -1;
    int by_time = 0;
    int given;
    const char *order = rs_srv_arg(a, "order", &given);
    if (given) {
        char buf[64];
        if (!order || (strcmp(order, "rating") && strcmp(order, "time")))
            return rs_srv_error(r, 400, "parameter 'order': '%s' is not one of rating, time",
                                order ? shown(order, buf, sizeof buf) : "");
        by_time = !strcmp(order, "time");
        if (by_time && !t->train->times)
            return rs_srv_error(r, 400, "parameter 'order': the training matrix has no times");
    }
    int64_t u = find(t->users, user, "user", r);
    if (u < 0) return -1;
    const rs_csr *m = t->train;
    uint64_t p0 = m->indptr[u], p1 = m->indptr[u + 1];
    size_t len = (size_t)(p1 - p0);
    uint64_t *pos = rs_xmalloc((len ? len : 1) * sizeof *pos);
    for (size_t k = 0; k < len; k++) pos[k] = p0 + k;
    viewed_ctx v = { m, by_time };
    qsort_r(pos, len, sizeof *pos, view_cmp_r, &v);
    if (len > n) len = n;
    rs_json j;
    rs_json_init_buf(&j, 0);
    rs_json_object_begin(&j);
    rs_json_key(&j, "user");
    rs_json_string(&j, user);
    rs_json_key(&j, "items");
    rs_json_array_begin(&j);
    for (size_t k = 0; k < len; k++) rs_json_string(&j, t->iname[m->indices[pos[k]]]);
    rs_json_array_end(&j);
    rs_json_key(&j, "ratings");
    rs_json_array_begin(&j);
    for (size_t k = 0; k < len; k++) rs_json_number(&j, m->values[pos[k]]);
    rs_json_array_end(&j);
    if (m->times) {
        rs_json_key(&j, "times");
        rs_json_array_begin(&j);
        for (size_t k = 0; k < len; k++) rs_json_int(&j, m->times[pos[k]]);
        rs_json_array_end(&j);
    }
    if (t->titles) {
        rs_json_key(&j, "titles");
        rs_json_array_begin(&j);
        for (size_t k = 0; k < len; k++) {
            const char *ti = t->titles[m->indices[pos[k]]];
            if (ti) rs_json_string(&j, ti);
            else rs_json_null(&j);
        }
        rs_json_array_end(&j);
    }
    rs_json_object_end(&j);
    rs_json_newline(&j);
    free(pos);
    return take_json(r, &j, 200);
}

int rs_srv_history_recommend(const rs_srv_model *m, const rs_srv_args *a,
                             const rs_srv_history *h, rs_srv_reply *r)
{
    uint32_t ni = m->train->cols;
    size_t n;
    if (rs_srv_arg_n(a, "n", 10, ni, &n, r) < 0) return -1;
    const char *user = rs_srv_arg(a, "user", NULL);
    if (!user || !*user) user = "new";
    if (!h->items) return rs_srv_error(r, 400, "missing member 'items' (the history)");
    if (h->nitems == 0) return rs_srv_error(r, 400, "member 'items': the history is empty");
    if (h->ratings && h->nratings != h->nitems)
        return rs_srv_error(r, 400, "member 'ratings': %zu values for %zu items", h->nratings,
                            h->nitems);
    /* As rs_history_matrix: the model's items in order, the others dropped. */
    uint32_t *idx = rs_xmalloc(h->nitems * sizeof *idx);
    float *val = rs_xmalloc(h->nitems * sizeof *val);
    size_t k = 0;
    for (size_t p = 0; p < h->nitems; p++) {
        int64_t i = rs_idmap_find(m->items, h->items[p], strlen(h->items[p]));
        if (i < 0) continue;
        idx[k] = (uint32_t)i;
        val[k++] = h->ratings ? (float)h->ratings[p] : 1.0f;
    }
    top t;
    top_init(&t, ni, n);
    rs_err e = { 0 };
    int rc;
    if (rs_scorer_history(m->s, idx, val, k, t.row, &e) < 0) {
        rc = rs_srv_error(r, 500, "%s", e.msg);
    } else {
        t.n = rs_rec_top_row(&t.t, t.row, ni, idx, k);
        rc = list_reply(m, "user", user, NULL, t.t.idx, t.t.score, t.n, r);
    }
    top_free(&t);
    free(idx);
    free(val);
    return rc;
}
