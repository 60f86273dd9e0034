/* knn.h: nearest neighbours among the users (rows) or the items (columns)
 * of a sparse user-item matrix, exactly and without ever forming the dense
 * similarity matrix.
 *
 * A "space" holds the vectors being compared: x (n vectors over d
 * features, CSR with sorted, distinct indices) and its transpose xt, with
 * every value already transformed so that a similarity is one sparse dot
 * product (plus, for Jaccard, the two vector lengths):
 *
 *   repeated (user, item) entries are summed (as scipy does);
 *   binary:   every value is 1;
 *   weight:   tfidf / bm25 as implicit's TFIDFRecommender /
 *             BM25Recommender, with x's rows as the documents and its
 *             features as the terms (for items: N = items,
 *             idf[u] = log(N) - log1p(items of user u)):
 *               tfidf  v = sqrt(v) idf[f]
 *               bm25   v = v (K1+1) / (K1 L[r] + v) idf[f],
 *                      L[r] = 1 - B + B rowsum[r] / mean(rowsum)
 *   pearson:  each vector minus the mean of its own stored values;
 *   cosine and pearson: each vector scaled to unit length;
 *   jaccard:  values 1, and sim = c / (|a| + |b| - c) for c shared features.
 *
 * Neighbours of vector q: acc = sum over q's features f of q_f xt[f]
 * (SpGEMM with a dense accumulator of length n per thread), then a bounded
 * heap (topk.h) keeps the k best.  A query touching few vectors keeps a
 * list of them; one touching many scans the accumulator instead.  Only
 * vectors with a positive similarity are neighbours, a vector is never its
 * own neighbour, and ties go to the smaller index, so the result does not
 * depend on the thread count. */
#ifndef RS_KNN_H
#define RS_KNN_H
#include <stddef.h>
#include <stdint.h>
#include "format/csr.h"
#include "format/bundle.h"
#include "common/err.h"
#include "common/progress.h"

enum rs_knn_sim { RS_KNN_COSINE, RS_KNN_JACCARD, RS_KNN_PEARSON, RS_KNN_DOT };
enum rs_knn_weight { RS_KNN_WNONE, RS_KNN_TFIDF, RS_KNN_BM25 };

/* Names as in options and meta ("cosine", "tfidf", ...); parse: -1 if unknown. */
int rs_knn_sim_parse(const char *s);
const char *rs_knn_sim_name(int sim);
int rs_knn_weight_parse(const char *s);
const char *rs_knn_weight_name(int weight);

typedef struct rs_knn_opts {
    int items;              /* 1: compare the items (columns); 0: the users (rows) */
    int sim;                /* enum rs_knn_sim */
    int weight;             /* enum rs_knn_weight */
    int binary;             /* values are all 1 */
    double bm25_k1, bm25_b;
} rs_knn_opts;

#define RS_KNN_BM25_K1 1.2
#define RS_KNN_BM25_B 0.75

void rs_knn_defaults(rs_knn_opts *o);
/* The option combinations that make sense; fills e (RS_EUSAGE) if not. */
int rs_knn_check(const rs_knn_opts *o, rs_err *e);

typedef struct rs_knn_space {
    rs_knn_opts opts;
    rs_csr x;               /* n vectors x d features */
    rs_csr xt;              /* d x n */
    float *len;             /* jaccard: stored values per vector; else NULL */
    double *idf;            /* weighting: per feature; else NULL */
    double avg_sum;         /* bm25: mean raw sum per vector */
} rs_knn_space;

/* Build the space of m (users x items) as o says. */
int rs_knn_space_build(const rs_csr *m, const rs_knn_opts *o, rs_knn_space *s, rs_err *e);
void rs_knn_space_free(rs_knn_space *s);

/* Make (idx, val)[0..n) a vector of the space, as the rows of x were made:
 * sorted, repeats summed, transformed.  In place; returns its new length.
 * Indices must be < d. */
size_t rs_knn_vector(const rs_knn_space *s, uint32_t *idx, float *val, size_t n);

/* Similarity of a vector of the space (as made by rs_knn_vector, or a row
 * of x) to every vector: out[0..n), NAN where it is not positive. */
void rs_knn_similarities(const rs_knn_space *s, const uint32_t *idx, const float *val,
                         size_t nnz, float *out);

/* How to run the neighbour pass.  sim(q, r) is the same float computed
 * from either side, so each pair is computed once (from the smaller index)
 * and offered to both rows, which halves the work; that needs heaps for
 * every row in every thread (threads x n x k x 8 bytes).  Beyond
 * heap_budget each row is computed whole instead.  Same result either way. */
typedef struct rs_knn_run {
    uint32_t k;             /* neighbours per vector; capped at n - 1 */
    int threads;            /* >= 1 */
    size_t heap_budget;     /* bytes; 0 = RS_KNN_HEAP_BUDGET */
    rs_progress *progress;  /* or NULL */
} rs_knn_run;

#define RS_KNN_HEAP_BUDGET ((size_t)2 << 30)

/* The k nearest neighbours of every vector: out is n x n, row q holds q's
 * neighbours best first (indices, similarities). */
int rs_knn_neighbors(const rs_knn_space *s, const rs_knn_run *run, rs_csr *out, rs_err *e);


/* Work of the neighbour pass (multiply-adds), for reports. */
uint64_t rs_knn_work(const rs_knn_space *s);

#endif
