#include <math.h>
#include <stdlib.h>
#include "common/err.h"
#include "eval/metrics.h"

static size_t cut(size_t n, size_t k) { return n < k ? n : k; }

double rs_hitrate_at(const unsigned char *hit, size_t n, size_t k)
{
    for (size_t p = 0; p < cut(n, k); p++)
        if (hit[p]) return 1;
    return 0;
}

double rs_precision_at(const unsigned char *hit, size_t n, size_t k)
{
    size_t h = 0;
    for (size_t p = 0; p < cut(n, k); p++) h += hit[p] != 0;
    return k ? (double)h / (double)k : NAN;
}

double rs_recall_at(const unsigned char *hit, size_t n, size_t nrel, size_t k)
{
    size_t h = 0;
    for (size_t p = 0; p < cut(n, k); p++) h += hit[p] != 0;
    return nrel ? (double)h / (double)nrel : NAN;
}

double rs_ap_at(const unsigned char *hit, size_t n, size_t nrel, size_t k,
                enum rs_ap_denom denom)
{
    double sum = 0;
    size_t h = 0;
    for (size_t p = 0; p < cut(n, k); p++)
        if (hit[p]) sum += (double)++h / (double)(p + 1);
    size_t d = denom == RS_AP_K ? k : denom == RS_AP_RELEVANT ? nrel : cut(k, nrel);
    return d ? sum / (double)d : NAN;
}

/* 1/log2(p+2): the discount of 0-based position p. */
static double disc(size_t p) { return 1.0 / log2((double)p + 2.0); }

double rs_ndcg_at(const unsigned char *hit, size_t n, size_t nrel, size_t k)
{
    double dcg = 0, ideal = 0;
    for (size_t p = 0; p < cut(n, k); p++)
        if (hit[p]) dcg += disc(p);
    for (size_t p = 0; p < cut(nrel, k); p++) ideal += disc(p);
    return ideal > 0 ? dcg / ideal : NAN;
}

double rs_rr_at(const unsigned char *hit, size_t n, size_t k)
{
    for (size_t p = 0; p < cut(n, k); p++)
        if (hit[p]) return 1.0 / (double)(p + 1);
    return 0;
}

void rs_topn_metrics_at(const unsigned char *hit, size_t n, size_t nrel, size_t k,
                        enum rs_ap_denom denom, rs_topn_metrics *m)
{
    m->hitrate = rs_hitrate_at(hit, n, k);
    m->precision = rs_precision_at(hit, n, k);
    m->recall = rs_recall_at(hit, n, nrel, k);
    m->ap = rs_ap_at(hit, n, nrel, k, denom);
    m->ndcg = rs_ndcg_at(hit, n, nrel, k);
    m->rr = rs_rr_at(hit, n, k);
}

double rs_self_information(uint64_t count, uint64_t nusers)
{
    if (!nusers) return NAN;
    return log2((double)nusers / (double)(count ? count : 1));
}

double rs_novelty_at(const double *info, size_t n, size_t k)
{
    size_t m = cut(n, k);
    double sum = 0;
    for (size_t p = 0; p < m; p++) sum += info[p];
    return m ? sum / (double)m : NAN;
}

double rs_coverage(uint64_t ncovered, uint64_t ncatalogue)
{
    return ncatalogue ? (double)ncovered / (double)ncatalogue : NAN;
}

double rs_cosine_sets(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    if (!na || !nb) return NAN;
    size_t both = 0;
    for (size_t x = 0, y = 0; x < na && y < nb;) {
        if (a[x] == b[y]) { both++; x++; y++; }
        else if (a[x] < b[y]) x++;
        else y++;
    }
    return (double)both / sqrt((double)na * (double)nb);
}

double rs_cosine_f32(const float *a, const float *b, size_t k)
{
    double ab = 0, aa = 0, bb = 0;
    for (size_t d = 0; d < k; d++) {
        ab += (double)a[d] * b[d];
        aa += (double)a[d] * a[d];
        bb += (double)b[d] * b[d];
    }
    return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : NAN;
}

double rs_ild_at(const double *dist, size_t n, size_t k)
{
    size_t m = cut(n, k), pairs = 0;
    double sum = 0;
    for (size_t p = 0; p < m; p++)
        for (size_t q = p + 1; q < m; q++)
            if (!isnan(dist[p * n + q])) { sum += dist[p * n + q]; pairs++; }
    return pairs ? sum / (double)pairs : NAN;
}

double rs_serendipity_at(const unsigned char *hit, const double *share, size_t n, size_t k)
{
    double sum = 0;
    for (size_t p = 0; p < cut(n, k); p++)
        if (hit[p]) sum += 1 - share[p];
    return sum;
}

double rs_longtail_at(const unsigned char *tail, size_t n, size_t k)
{
    size_t m = cut(n, k), t = 0;
    for (size_t p = 0; p < m; p++) t += tail[p] != 0;
    return m ? (double)t / (double)m : NAN;
}

double rs_personalization(double overlap_sum, uint64_t nusers)
{
    if (nusers < 2) return NAN;
    return 1 - overlap_sum / ((double)nusers * (double)(nusers - 1) / 2);
}

double rs_rmse(const double *pred, const double *truth, size_t n)
{
    double sum = 0;
    size_t m = 0;
    for (size_t j = 0; j < n; j++)
        if (!isnan(pred[j])) { double d = pred[j] - truth[j]; sum += d * d; m++; }
    return m ? sqrt(sum / (double)m) : NAN;
}

double rs_mae(const double *pred, const double *truth, size_t n)
{
    double sum = 0;
    size_t m = 0;
    for (size_t j = 0; j < n; j++)
        if (!isnan(pred[j])) { sum += fabs(pred[j] - truth[j]); m++; }
    return m ? sum / (double)m : NAN;
}

double rs_dcg_lenskit(const double *gain, size_t n)
{
    double dcg = 0;
    for (size_t p = 0; p < n; p++) {
        double d = log2((double)p + 1.0);
        dcg += gain[p] / (d > 1 ? d : 1);
    }
    return dcg;
}

struct ranked { double pred, truth; size_t j; };

static int by_pred_desc(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->pred != y->pred) return x->pred > y->pred ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

static int by_value_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

double rs_ndcg_rated(const double *pred, const double *truth, size_t n)
{
    struct ranked *r = rs_xmalloc(n * sizeof *r);
    double *g = rs_xmalloc(n * sizeof *g);
    size_t m = 0;
    for (size_t j = 0; j < n; j++)
        if (!isnan(pred[j])) r[m++] = (struct ranked){ pred[j], truth[j], j };
    qsort(r, m, sizeof *r, by_pred_desc);
    for (size_t p = 0; p < m; p++) g[p] = r[p].truth;
    double dcg = rs_dcg_lenskit(g, m);
    for (size_t j = 0; j < n; j++) g[j] = truth[j];
    qsort(g, n, sizeof *g, by_value_desc);
    double ideal = rs_dcg_lenskit(g, n);
    free(r);
    free(g);
    return ideal > 0 ? dcg / ideal : NAN;
}
