/* lib/score/score_factors.c on an SVD model from lib/model/svd.c: scores are U S V'
 * plus the centring, fold-in gives a training user her own scores back,
 * similar() is the cosine of item factors, predict() leaves out what it
 * does not know. */
#include "cli/cli.h"
#include "format/csr.h"
#include "common/rng.h"
#include "score/recommend.h"
#include "score/scorer.h"
#include "model/svd.h"
#include "tap.h"

enum { USERS = 40, ITEMS = 25, K = 6 };

static void make(rs_csr *m)
{
    rs_rng g;
    rs_rng_seed(&g, 5);
    memset(m, 0, sizeof *m);
    m->rows = USERS;
    m->cols = ITEMS;
    m->owned = 1;
    m->indptr = rs_xcalloc(USERS + 1, sizeof *m->indptr);
    m->indices = rs_xmalloc(USERS * ITEMS * sizeof *m->indices);
    m->values = rs_xmalloc(USERS * ITEMS * sizeof *m->values);
    uint64_t n = 0;
    for (uint32_t u = 0; u < USERS; u++) {
        for (uint32_t i = 0; i < ITEMS; i++)
            if (rs_rng_double(&g) < 0.3) {
                m->indices[n] = i;
                m->values[n++] = (float)(1 + rs_rng_below(&g, 5));
            }
        m->indptr[u + 1] = n;
    }
    m->nnz = n;
}

int main(void)
{
    tap t = { 0 };
    rs_blas_threads(1);     /* small matrices: threads would only wait */
    rs_csr m;
    make(&m);
    rs_svd_opts o;
    rs_svd_defaults(&o);
    o.k = K;
    o.center = RS_CENTER_USER;
    rs_svd s;
    rs_err e = { 0 };
    OK(&t, rs_svd_compute(&m, &o, &s, &e) == 0, "svd %s", e.msg);
    rs_bundle b = { 0 };
    rs_csr_put(&m, &b, 0);
    rs_svd_put(&s, &o, &b);
    rs_scorer *sc = rs_scorer_open(&b, &e);
    OK(&t, sc != NULL, "scorer opens the model: %s", sc ? rs_scorer_kind(sc) : e.msg);
    if (!sc) return tap_done(&t);

    /* users(): (U S V')[u][i] + mean of u's row over all items. */
    static float out[USERS * ITEMS], one[ITEMS];
    uint32_t all[USERS];
    for (uint32_t u = 0; u < USERS; u++) all[u] = u;
    OK(&t, rs_scorer_users(sc, all, USERS, out, &e) == 0, "users()");
    double worst = 0;
    for (uint32_t u = 0; u < USERS; u++)
        for (uint32_t i = 0; i < ITEMS; i++) {
            double x = s.user_bias[u];
            for (int j = 0; j < K; j++) x += s.u[u * K + j] * s.sigma[j] * s.v[i * K + j];
            worst = fmax(worst, fabs(out[u * ITEMS + i] - x));
        }
    OK(&t, worst < 1e-4, "users() = U S V' + user means (max diff %.1e)", worst);

    /* A few users out of order: the same rows. */
    uint32_t some[3] = { 7, 2, 31 };
    float part[3 * ITEMS];
    OK(&t, rs_scorer_users(sc, some, 3, part, &e) == 0 &&
           !memcmp(part + ITEMS, out + 2 * ITEMS, sizeof one) &&
           !memcmp(part + 2 * ITEMS, out + 31 * ITEMS, sizeof one), "users() in any order");

    /* history(): folding in a training user's own row gives her scores. */
    worst = 0;
    for (uint32_t u = 0; u < USERS; u += 13) {
        uint64_t p0 = m.indptr[u];
        OK(&t, rs_scorer_history(sc, m.indices + p0, m.values + p0, m.indptr[u + 1] - p0, one,
                                 &e) == 0, "history() of user %u", u);
        for (uint32_t i = 0; i < ITEMS; i++) worst = fmax(worst, fabs(one[i] - out[u * ITEMS + i]));
    }
    OK(&t, worst < 1e-3, "fold-in of a training user reproduces her scores (max diff %.1e)", worst);

    /* similar(): cosine of item factors; an item is its own best match. */
    OK(&t, rs_scorer_similar(sc, 4, one, &e) == 0, "similar()");
    NEAR(&t, one[4], 1.0, 1e-5, "cos(item, itself) = 1");
    double dot = 0, n4 = 0, n9 = 0;
    for (int j = 0; j < K; j++) {
        double a = s.v[4 * K + j] * sqrt(s.sigma[j]), c = s.v[9 * K + j] * sqrt(s.sigma[j]);
        dot += a * c;
        n4 += a * a;
        n9 += c * c;
    }
    NEAR(&t, one[9], dot / sqrt(n4 * n9), 1e-5, "cos(item 4, item 9) from V sqrt(S)");

    /* predict(): known pairs as users(), unknown users get no factors. */
    int64_t pu[3] = { 3, -1, 3 }, pi[3] = { 5, 5, -1 };
    float pr[3];
    OK(&t, rs_scorer_predict(sc, pu, pi, 3, pr, &e) == 0, "predict()");
    NEAR(&t, pr[0], out[3 * ITEMS + 5], 1e-5, "predict(known pair) = its score");
    NEAR(&t, pr[1], 0.0, 1e-6, "unknown user: global bias + item bias = 0 here");
    NEAR(&t, pr[2], s.user_bias[3], 1e-5, "unknown item: the user's bias");

    /* user_top(): rs-serve's one-user list is users() for that user alone
     * and rs_rec_top_row, bit for bit, for every list length, with the
     * user's training items left out. */
    int same = 1;
    for (uint32_t u = 0; u < USERS; u++) {
        uint64_t p0 = m.indptr[u], p1 = m.indptr[u + 1];
        for (size_t n = 1; n <= ITEMS; n++) {
            rs_topk a, r;
            rs_topk_init(&a, n);
            rs_topk_init(&r, n);
            size_t na = 0;
            if (rs_scorer_user_top(sc, u, m.indices + p0, p1 - p0, &a, NULL, &na, &e) < 0 ||
                rs_scorer_users(sc, &u, 1, one, &e) < 0)
                same = 0;
            size_t nr = rs_rec_top_row(&r, one, ITEMS, m.indices + p0, p1 - p0);
            if (na != nr || memcmp(a.idx, r.idx, nr * sizeof *r.idx) ||
                memcmp(a.score, r.score, nr * sizeof *r.score))
                same = 0;
            rs_topk_free(&a);
            rs_topk_free(&r);
        }
    }
    OK(&t, same, "user_top() = users() + rs_rec_top_row for every user and n");

    rs_scorer_close(sc);
    rs_bundle_free(&b);
    rs_svd_free(&s);
    rs_csr_free(&m);
    return tap_done(&t);
}
