/* test_knn: neighbours and similarities against a brute-force reference
 * written from the definitions in knn.h on the dense matrix, in double,
 * for every similarity and weighting; thread counts and the two neighbour
 * strategies must give the same bytes. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "format/csr.h"
#include "model/knn.h"
#include "common/rng.h"

enum { USERS = 70, ITEMS = 45 };

/* A random users x items matrix with repeats, empty rows and columns,
 * half-star ratings; entries in random order within a row. */
static void make_matrix(rs_csr *m, uint64_t seed)
{
    rs_rng r;
    rs_rng_seed(&r, seed);
    memset(m, 0, sizeof *m);
    m->rows = USERS;
    m->cols = ITEMS;
    m->owned = 1;
    m->indptr = calloc(USERS + 1, sizeof *m->indptr);
    m->indices = malloc(USERS * ITEMS * 2 * sizeof *m->indices);
    m->values = malloc(USERS * ITEMS * 2 * sizeof *m->values);
    uint64_t n = 0;
    for (uint32_t u = 0; u < USERS; u++) {
        double density = u % 11 == 3 ? 0 : 0.05 + 0.3 * rs_rng_double(&r);
        for (uint32_t i = 0; i < ITEMS; i++) {
            if (i == 7 || rs_rng_double(&r) >= density) continue;   /* item 7: nobody */
            m->indices[n] = i;
            m->values[n++] = (float)(1 + rs_rng_below(&r, 9)) / 2;
            if (rs_rng_double(&r) < 0.05) {                           /* a repeat */
                m->indices[n] = i;
                m->values[n++] = (float)(1 + rs_rng_below(&r, 9)) / 2;
            }
        }
        /* shuffle the row */
        uint64_t a = m->indptr[u];
        for (uint64_t k = n - a; k > 1; k--) {
            uint64_t j = rs_rng_below(&r, k);
            uint32_t ti = m->indices[a + k - 1];
            float tv = m->values[a + k - 1];
            m->indices[a + k - 1] = m->indices[a + j];
            m->values[a + k - 1] = m->values[a + j];
            m->indices[a + j] = ti;
            m->values[a + j] = tv;
        }
        m->indptr[u + 1] = n;
    }
    m->nnz = n;
}

/* The vectors of knn.h, dense, straight from the definitions. */
static double *reference_vectors(const rs_csr *m, const rs_knn_opts *o, uint32_t *n_out,
                                 uint32_t *d_out, char **stored_out)
{
    uint32_t n = o->items ? m->cols : m->rows, d = o->items ? m->rows : m->cols;
    double *x = calloc((size_t)n * d, sizeof *x);
    char *st = calloc((size_t)n * d, 1);
    for (uint32_t u = 0; u < m->rows; u++)
        for (uint64_t p = m->indptr[u]; p < m->indptr[u + 1]; p++) {
            uint32_t i = m->indices[p];
            size_t at = o->items ? (size_t)i * d + u : (size_t)u * d + i;
            x[at] += m->values[p];
            st[at] = 1;
        }
    if (o->binary || o->sim == RS_KNN_JACCARD)
        for (size_t a = 0; a < (size_t)n * d; a++) x[a] = st[a] ? 1 : 0;
    if (o->weight != RS_KNN_WNONE) {
        double *idf = calloc(d, sizeof *idf), *sum = calloc(n, sizeof *sum), avg = 0;
        for (uint32_t f = 0; f < d; f++) {
            double df = 0;
            for (uint32_t r = 0; r < n; r++) df += st[(size_t)r * d + f];
            idf[f] = log((double)n) - log(1 + df);
        }
        for (uint32_t r = 0; r < n; r++) {
            for (uint32_t f = 0; f < d; f++) sum[r] += x[(size_t)r * d + f];
            avg += sum[r] / n;
        }
        for (uint32_t r = 0; r < n; r++)
            for (uint32_t f = 0; f < d; f++) {
                double *v = &x[(size_t)r * d + f];
                if (!st[(size_t)r * d + f]) continue;
                if (o->weight == RS_KNN_TFIDF) {
                    *v = sqrt(*v) * idf[f];
                } else {
                    double len = 1 - o->bm25_b + o->bm25_b * sum[r] / avg;
                    *v = *v * (o->bm25_k1 + 1) / (o->bm25_k1 * len + *v) * idf[f];
                }
            }
        free(idf);
        free(sum);
    }
    for (uint32_t r = 0; r < n; r++) {
        double *row = x + (size_t)r * d, mean = 0, cnt = 0, ss = 0;
        for (uint32_t f = 0; f < d; f++)
            if (st[(size_t)r * d + f]) { mean += row[f]; cnt++; }
        if (o->sim == RS_KNN_PEARSON && cnt)
            for (uint32_t f = 0; f < d; f++)
                if (st[(size_t)r * d + f]) row[f] -= mean / cnt;
        for (uint32_t f = 0; f < d; f++) ss += row[f] * row[f];
        if ((o->sim == RS_KNN_COSINE || o->sim == RS_KNN_PEARSON) && ss > 0)
            for (uint32_t f = 0; f < d; f++) row[f] /= sqrt(ss);
    }
    *n_out = n;
    *d_out = d;
    *stored_out = st;
    return x;
}

static double ref_sim(const double *x, const char *st, uint32_t d, int sim, uint32_t q, uint32_t r)
{
    double dot = 0, lq = 0, lr = 0;
    for (uint32_t f = 0; f < d; f++) {
        dot += x[(size_t)q * d + f] * x[(size_t)r * d + f];
        lq += st[(size_t)q * d + f];
        lr += st[(size_t)r * d + f];
    }
    return sim == RS_KNN_JACCARD ? (dot > 0 ? dot / (lq + lr - dot) : 0) : dot;
}

static int same_csr(const rs_csr *a, const rs_csr *b)
{
    return a->rows == b->rows && a->nnz == b->nnz &&
           !memcmp(a->indptr, b->indptr, ((size_t)a->rows + 1) * sizeof *a->indptr) &&
           !memcmp(a->indices, b->indices, a->nnz * sizeof *a->indices) &&
           !memcmp(a->values, b->values, a->nnz * sizeof *a->values);
}

/* One configuration: the space's neighbours and similarities against the
 * reference; returns the number of disagreements. */
static int check(tap *t, const rs_csr *m, const rs_knn_opts *o, const char *what)
{
    rs_err e = { 0 };
    rs_knn_space s;
    if (rs_knn_space_build(m, o, &s, &e) < 0) {
        OK(t, 0, "%s: build: %s", what, e.msg);
        return 1;
    }
    uint32_t n, d;
    char *st;
    double *x = reference_vectors(m, o, &n, &d, &st);
    double *sim = malloc((size_t)n * n * sizeof *sim);
    for (uint32_t q = 0; q < n; q++)
        for (uint32_t r = 0; r < n; r++) sim[(size_t)q * n + r] = ref_sim(x, st, d, o->sim, q, r);

    const uint32_t k = 6;
    rs_knn_run run = { .k = k, .threads = 1 };
    rs_csr nb, nb3, nbw;
    rs_knn_neighbors(&s, &run, &nb, &e);
    run.threads = 3;
    rs_knn_neighbors(&s, &run, &nb3, &e);
    run.threads = 2;
    run.heap_budget = 1;        /* too small: every row whole, one heap set */
    rs_knn_neighbors(&s, &run, &nbw, &e);
    OK(t, same_csr(&nb, &nb3) && same_csr(&nb, &nbw),
       "%s: 1 thread, 3 threads and the row-by-row strategy give the same bytes", what);

    /* Reference lists: positive, not itself, ties to the smaller index;
     * a disagreement only counts where the reference has no near-tie. */
    int bad = 0;
    double worst = 0;
    for (uint32_t q = 0; q < n; q++) {
        uint32_t want[64];
        size_t nw = 0;
        char *taken = calloc(n, 1);
        while (nw < k) {
            int64_t best = -1;
            for (uint32_t r = 0; r < n; r++)
                if (r != q && !taken[r] && sim[(size_t)q * n + r] > 1e-12 &&
                    (best < 0 || sim[(size_t)q * n + r] > sim[(size_t)q * n + best]))
                    best = r;
            if (best < 0) break;
            taken[best] = 1;
            want[nw++] = (uint32_t)best;
        }
        free(taken);
        uint64_t a = nb.indptr[q], got = nb.indptr[q + 1] - a;
        if (got != nw) { bad++; continue; }
        for (size_t p = 0; p < nw; p++) {
            double ws = sim[(size_t)q * n + want[p]], gs = nb.values[a + p];
            double err = fabs(ws - gs) / fmax(1, fabs(ws));
            if (err > worst) worst = err;
            if (err > 1e-5) bad++;
            /* a different id is fine only as a tie */
            if (nb.indices[a + p] != want[p] && fabs(sim[(size_t)q * n + nb.indices[a + p]] - ws) > 1e-5)
                bad++;
        }
    }
    OK(t, bad == 0, "%s: neighbours = brute force (%d differ, worst relative error %.2g)",
       what, bad, worst);

    /* rs_knn_similarities of each row: the whole reference row. */
    float *out = malloc(((size_t)n + 1) * sizeof *out);
    int sbad = 0;
    for (uint32_t q = 0; q < n; q++) {
        const rs_csr *xs = &s.x;
        rs_knn_similarities(&s, xs->indices + xs->indptr[q], xs->values + xs->indptr[q],
                            (size_t)(xs->indptr[q + 1] - xs->indptr[q]), out);
        for (uint32_t r = 0; r < n; r++) {
            double ws = sim[(size_t)q * n + r];
            if (ws > 1e-6 ? fabs(out[r] - ws) > 1e-5 * fmax(1, ws) : !(isnan(out[r]) || out[r] < 1e-5))
                sbad++;
        }
        /* and the model's row is the head of it, bit for bit */
        for (uint64_t p = nb.indptr[q]; p < nb.indptr[q + 1]; p++)
            if (out[nb.indices[p]] != nb.values[p]) sbad++;
    }
    OK(t, sbad == 0, "%s: similarities to all = brute force, neighbour rows exact (%d differ)",
       what, sbad);
    free(out);
    free(x);
    free(st);
    free(sim);
    rs_csr_free(&nb);
    rs_csr_free(&nb3);
    rs_csr_free(&nbw);
    rs_knn_space_free(&s);
    return bad + sbad;
}

int main(void)
{
    tap t = { 0 };
    rs_csr m;
    make_matrix(&m, 7);
    static const struct { int sim, weight, binary; } conf[] = {
        { RS_KNN_COSINE, RS_KNN_WNONE, 0 }, { RS_KNN_COSINE, RS_KNN_WNONE, 1 },
        { RS_KNN_JACCARD, RS_KNN_WNONE, 0 }, { RS_KNN_PEARSON, RS_KNN_WNONE, 0 },
        { RS_KNN_DOT, RS_KNN_WNONE, 0 }, { RS_KNN_COSINE, RS_KNN_TFIDF, 0 },
        { RS_KNN_DOT, RS_KNN_BM25, 0 }, { RS_KNN_COSINE, RS_KNN_BM25, 1 },
    };
    for (int items = 0; items < 2; items++)
        for (size_t c = 0; c < sizeof conf / sizeof conf[0]; c++) {
            rs_knn_opts o;
            rs_knn_defaults(&o);
            o.items = items;
            o.sim = conf[c].sim;
            o.weight = conf[c].weight;
            o.binary = conf[c].binary;
            if (o.weight == RS_KNN_BM25 && o.binary) { o.bm25_k1 = 2.0; o.bm25_b = 0.3; }
            char what[96];
            snprintf(what, sizeof what, "%s %s weight %s%s", items ? "items" : "users",
                     rs_knn_sim_name(o.sim), rs_knn_weight_name(o.weight), o.binary ? " binary" : "");
            check(&t, &m, &o, what);
        }

    /* rs_knn_vector makes a raw row (any order, repeats split) the space's row. */
    rs_err e = { 0 };
    rs_knn_opts o;
    rs_knn_defaults(&o);
    o.sim = RS_KNN_PEARSON;
    rs_knn_space s;
    rs_knn_space_build(&m, &o, &s, &e);
    int vbad = 0;
    for (uint32_t u = 0; u < m.rows; u++) {
        size_t len = (size_t)(m.indptr[u + 1] - m.indptr[u]);
        uint32_t *idx = malloc((len + 1) * sizeof *idx);
        float *val = malloc((len + 1) * sizeof *val);
        memcpy(idx, m.indices + m.indptr[u], len * sizeof *idx);
        memcpy(val, m.values + m.indptr[u], len * sizeof *val);
        size_t w = rs_knn_vector(&s, idx, val, len);
        uint64_t a = s.x.indptr[u];
        if (w != s.x.indptr[u + 1] - a) vbad++;
        for (size_t p = 0; p < w && !vbad; p++)
            if (idx[p] != s.x.indices[a + p] || fabsf(val[p] - s.x.values[a + p]) > 1e-6f) vbad++;
        free(idx);
        free(val);
    }
    OK(&t, vbad == 0, "rs_knn_vector of each raw row = the space's row");
    rs_knn_space_free(&s);

    /* k beyond n - 1 is n - 1; an empty matrix has no rows. */
    rs_knn_defaults(&o);
    rs_knn_space_build(&m, &o, &s, &e);
    rs_knn_run run = { .k = 1000, .threads = 2 };
    rs_csr nb;
    rs_knn_neighbors(&s, &run, &nb, &e);
    uint64_t maxlen = 0;
    for (uint32_t q = 0; q < nb.rows; q++)
        if (nb.indptr[q + 1] - nb.indptr[q] > maxlen) maxlen = nb.indptr[q + 1] - nb.indptr[q];
    OK(&t, maxlen <= USERS - 1 && maxlen > 30, "k = 1000 keeps every positive neighbour (%llu)",
       (unsigned long long)maxlen);
    OK(&t, nb.indptr[3 + 1] == nb.indptr[3], "a user with no entries has no neighbours");
    rs_csr_free(&nb);
    rs_knn_space_free(&s);
    rs_csr empty = { .rows = 0, .cols = 0, .nnz = 0 };
    uint64_t zero = 0;
    empty.indptr = &zero;
    rs_knn_space_build(&empty, &o, &s, &e);
    OK(&t, rs_knn_neighbors(&s, &run, &nb, &e) == 0 && nb.rows == 0, "an empty matrix works");
    rs_csr_free(&nb);
    rs_knn_space_free(&s);

    /* Option checks. */
    rs_knn_defaults(&o);
    o.sim = RS_KNN_JACCARD;
    o.weight = RS_KNN_TFIDF;
    OK(&t, rs_knn_check(&o, &e) < 0 && e.code == RS_EUSAGE, "jaccard with a weighting is refused");
    rs_knn_defaults(&o);
    o.weight = RS_KNN_BM25;
    m.values[0] = -1;
    OK(&t, rs_knn_space_build(&m, &o, &s, &e) < 0 && e.code == RS_EDATA, "bm25 refuses negative values");
    OK(&t, rs_knn_sim_parse("pearson") == RS_KNN_PEARSON && rs_knn_sim_parse("x") < 0 &&
           !strcmp(rs_knn_weight_name(RS_KNN_BM25), "bm25"), "names parse and print");
    rs_csr_free(&m);
    return tap_done(&t);
}
