#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eval/validate.h"
#include "eval/metrics.h"
#include "common/parallel.h"
#include "common/topk.h"
#include "model/mf.h"
#include "common/idmap.h"
#include "format/idmap_block.h"
#include "prep/ratings.h"

int rs_valid_metric_parse(const char *s, int *metric, int *k)
{
    char name[8];
    int kk, used = 0;
    if (sscanf(s, "%7[a-z]@%d%n", name, &kk, &used) != 2 || s[used] || kk < 1 || kk > 10000) return -1;
    if (!strcmp(name, "ndcg")) *metric = RS_VALID_NDCG;
    else if (!strcmp(name, "map")) *metric = RS_VALID_MAP;
    else return -1;
    *k = kk;
    return 0;
}

void rs_heldout_build(rs_heldout *h, const int64_t *u, const int64_t *i, size_t n, const rs_csr *train)
{
    memset(h, 0, sizeof *h);
    h->users = train->rows;
    h->train = train;
    h->indptr = rs_xcalloc((size_t)h->users + 2, sizeof *h->indptr);
    h->unknown = rs_xcalloc((size_t)h->users + 1, sizeof *h->unknown);
    for (size_t x = 0; x < n; x++)
        if (u[x] >= 0 && (uint64_t)u[x] < h->users && !(i[x] >= 0 && (uint64_t)i[x] < train->cols))
            h->unknown[u[x]]++;
    for (size_t x = 0; x < n; x++)
        if (u[x] >= 0 && i[x] >= 0 && (uint64_t)u[x] < h->users && (uint64_t)i[x] < train->cols)
            h->indptr[u[x] + 1]++;
    for (uint32_t r = 0; r < h->users; r++) h->indptr[r + 1] += h->indptr[r];
    h->items = rs_xmalloc(h->indptr[h->users] * sizeof *h->items + 1);
    uint64_t *fill = rs_xmalloc(((size_t)h->users + 1) * sizeof *fill);
    memcpy(fill, h->indptr, ((size_t)h->users + 1) * sizeof *fill);
    for (size_t x = 0; x < n; x++)
        if (u[x] >= 0 && i[x] >= 0 && (uint64_t)u[x] < h->users && (uint64_t)i[x] < train->cols)
            h->items[fill[u[x]]++] = (uint32_t)i[x];
    free(fill);
    h->metric = RS_VALID_NDCG;
    h->k = 10;
    h->threads = 1;
}

void rs_heldout_free(rs_heldout *h)
{
    free(h->indptr);
    free(h->items);
    free(h->unknown);
    memset(h, 0, sizeof *h);
}

typedef struct job {
    const rs_heldout *h;
    const rs_mf_view *m;
    double *sum;            /* per worker */
    size_t *count;
} job;

static int worker(void *arg, int t, size_t lo, size_t hi, rs_err *e)
{
    job *J = arg;
    const rs_heldout *h = J->h;
    const rs_mf_view *m = J->m;
    const rs_csr *tr = h->train;
    rs_topk top;
    rs_topk_init(&top, (size_t)h->k);
    unsigned char *seen = rs_xcalloc((size_t)m->items + 1, 1), *hit = rs_xmalloc((size_t)h->k + 1);
    double sum = 0;
    size_t count = 0;
    for (size_t u = lo; u < hi; u++) {
        uint64_t r0 = h->indptr[u], r1 = h->indptr[u + 1];
        if (r0 == r1) {
            if (h->unknown[u]) count++;     /* nothing rankable: 0 */
            continue;
        }
        for (uint64_t x = tr->indptr[u]; x < tr->indptr[u + 1]; x++) seen[tr->indices[x]] = 1;
        rs_topk_clear(&top);
        const float *p = m->P + u * m->stride;
        float base = (float)m->g + (m->bu ? m->bu[u] : 0);
        for (uint32_t i = 0; i < m->items; i++) {
            if (seen[i]) continue;
            float s = base + rs_mf_dot(p, m->Q + (size_t)i * m->stride, m->k) + (m->bi ? m->bi[i] : 0);
            if (s > rs_topk_threshold(&top)) rs_topk_push(&top, s, i);
        }
        for (uint64_t x = tr->indptr[u]; x < tr->indptr[u + 1]; x++) seen[tr->indices[x]] = 0;
        size_t n = rs_topk_sorted(&top), nrel = h->unknown[u];
        if (n > (size_t)h->k) n = (size_t)h->k;
        /* Relevant: the distinct held-out items (marked, then counted). */
        for (uint64_t x = r0; x < r1; x++)
            if (!seen[h->items[x]]) {
                seen[h->items[x]] = 1;
                nrel++;
            }
        for (size_t q = 0; q < n; q++) hit[q] = seen[top.idx[q]];
        for (uint64_t x = r0; x < r1; x++) seen[h->items[x]] = 0;
        sum += h->metric == RS_VALID_NDCG ? rs_ndcg_at(hit, n, nrel, (size_t)h->k)
                                          : rs_ap_at(hit, n, nrel, (size_t)h->k, RS_AP_MIN);
        count++;
    }
    J->sum[t] = sum;
    J->count[t] = count;
    rs_topk_free(&top);
    free(seen);
    free(hit);
    return 0;
}

double rs_heldout_score(const rs_heldout *h, const rs_mf_view *m)
{
    int T = h->threads < 1 ? 1 : h->threads;
    job J = { h, m, rs_xcalloc((size_t)T, sizeof(double)), rs_xcalloc((size_t)T, sizeof(size_t)) };
    rs_err e;
    uint32_t users = h->users < m->users ? h->users : m->users;
    rs_parallel_for(T, users, worker, &J, &e);
    double sum = 0;
    size_t count = 0;
    /* Added in worker order: the same for the same thread count. */
    for (int t = 0; t < T; t++) {
        sum += J.sum[t];
        count += J.count[t];
    }
    free(J.sum);
    free(J.count);
    count += h->zero_users;
    return count ? sum / (double)count : NAN;
}

int rs_valid_pairs_read(const char *path, const rs_bundle *b, rs_valid_pairs *p, rs_err *e)
{
    memset(p, 0, sizeof *p);
    rs_ratings v;
    rs_ratings_init(&v);
    char *paths[1] = { (char *)path };
    if (rs_ratings_read_paths(paths, 1, &v, e) < 0) {
        rs_ratings_free(&v);
        return -1;
    }
    rs_idmap *um = rs_idmap_get(b, "users", e), *im = um ? rs_idmap_get(b, "items", e) : NULL;
    if (!im) {
        if (um) rs_idmap_free(um);
        rs_ratings_free(&v);
        return -1;
    }
    int64_t *umap = rs_idmap_find_all(um, v.users), *imap = rs_idmap_find_all(im, v.items);
    p->n = v.n;
    p->u = rs_xmalloc((v.n + 1) * sizeof *p->u);
    p->i = rs_xmalloc((v.n + 1) * sizeof *p->i);
    if (v.r) p->r = rs_xmalloc((v.n + 1) * sizeof *p->r);
    for (size_t x = 0; x < v.n; x++) {
        p->u[x] = umap[v.u[x]];
        p->i[x] = imap[v.i[x]];
        if (v.r) p->r[x] = (float)v.r[x];
    }
    for (uint32_t k = 0; k < rs_idmap_size(v.users); k++) p->unknown_users += umap[k] < 0;
    free(umap);
    free(imap);
    rs_idmap_free(um);
    rs_idmap_free(im);
    rs_ratings_free(&v);
    return 0;
}

void rs_valid_pairs_free(rs_valid_pairs *p)
{
    free(p->u);
    free(p->i);
    free(p->r);
    memset(p, 0, sizeof *p);
}

int rs_heldout_read(const char *path, const rs_bundle *b, const rs_csr *train, rs_heldout *h, rs_err *e)
{
    rs_valid_pairs p;
    if (rs_valid_pairs_read(path, b, &p, e) < 0) return -1;
    rs_heldout_build(h, p.u, p.i, p.n, train);
    h->zero_users += p.unknown_users;
    rs_valid_pairs_free(&p);
    if (h->indptr[h->users] == 0) {
        rs_heldout_free(h);
        return rs_errf(e, RS_EDATA, "%s: --validate: no pair has a user and an item of the matrix", path);
    }
    return 0;
}
