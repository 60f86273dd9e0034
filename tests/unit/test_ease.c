/* test_ease: EASE against its closed form worked out by hand, the zero
 * diagonal, scoring through the scorer registry, and the refusals. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "format/csr.h"
#include "model/ease.h"
#include "score/scorer.h"

/* users x items from a dense array (0 = no entry). */
static void dense(rs_csr *m, uint32_t rows, uint32_t cols, const float *x)
{
    memset(m, 0, sizeof *m);
    m->rows = rows;
    m->cols = cols;
    m->owned = 1;
    m->indptr = calloc(rows + 1, sizeof *m->indptr);
    m->indices = malloc(rows * cols * sizeof *m->indices);
    m->values = malloc(rows * cols * sizeof *m->values);
    for (uint32_t u = 0; u < rows; u++) {
        m->indptr[u + 1] = m->indptr[u];
        for (uint32_t i = 0; i < cols; i++)
            if (x[u * cols + i] != 0) {
                m->indices[m->indptr[u + 1]] = i;
                m->values[m->indptr[u + 1]++] = x[u * cols + i];
            }
    }
    m->nnz = m->indptr[rows];
}

int main(void)
{
    tap t = { 0 };
    rs_err e = { 0 };

    /* X = [1 0; 1 1; 0 1], L = 1: X'X + I = [3 1; 1 3], P = [3 -1; -1 3] / 8,
     * B[0][1] = -P[0][1] / P[1][1] = 1/3 = B[1][0], B[i][i] = 0. */
    const float x2[] = { 1, 0, 1, 1, 0, 1 };
    rs_csr m;
    dense(&m, 3, 2, x2);
    rs_bundle b = { 0 };
    rs_csr_put(&m, &b, 0);
    rs_ease_opts o = { .reg = 1, .binary = 0, .threads = 1 };
    OK(&t, rs_ease_fit(&m, &o, &b, &e) == 0, "fit a 3 x 2 matrix (%s)", e.msg);
    rs_block *w = rs_bundle_get(&b, "ease_weights");
    OK(&t, w && w->rows == 2 && w->cols == 2, "ease_weights is items x items");
    const float *bw = w ? w->data : (const float[4]){ 0 };
    NEAR(&t, bw[1], 1.0 / 3, 1e-7, "B[0][1] = 1/3 (by hand)");
    NEAR(&t, bw[2], 1.0 / 3, 1e-7, "B[1][0] = 1/3 (by hand)");
    OK(&t, bw[0] == 0 && bw[3] == 0, "the diagonal of B is zero");
    OK(&t, strcmp(rs_meta_get(&b, "model"), "ease") == 0, "meta model=ease");

    /* Three items, ratings as values, L = 2: P from the 3 x 3 inverse by
     * cofactors; every B[i][j] = -P[i][j] / P[j][j]. */
    const float x3[] = { 4, 0, 5, 3, 1, 0, 0, 2, 2, 5, 5, 1 };
    rs_csr m3;
    dense(&m3, 4, 3, x3);
    rs_bundle b3 = { 0 };
    rs_csr_put(&m3, &b3, 0);
    o.reg = 2;
    OK(&t, rs_ease_fit(&m3, &o, &b3, &e) == 0, "fit a 4 x 3 matrix with ratings");
    double a[3][3] = { { 0 } };
    for (int u = 0; u < 4; u++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) a[i][j] += (double)x3[u * 3 + i] * x3[u * 3 + j];
    for (int i = 0; i < 3; i++) a[i][i] += 2;
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
               - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
               + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    double p[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
            p[i][j] = (a[r0][c0] * a[r1][c1] - a[r0][c1] * a[r1][c0]) / det;
        }
    const float *b3w = rs_bundle_get(&b3, "ease_weights")->data;
    double worst = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double want = i == j ? 0 : -p[i][j] / p[j][j];
            worst = fmax(worst, fabs(b3w[i * 3 + j] - want));
        }
    OK(&t, worst < 1e-6, "3 x 3: every weight equals the cofactor inverse's (max diff %g)", worst);

    /* Scoring: user 0 of the 2-item case has item 0 (value 1). */
    rs_scorer *s = rs_scorer_open(&b, &e);
    OK(&t, s != NULL, "the scorer opens model=ease (%s)", e.msg);
    float out[2] = { -1, -1 };
    uint32_t u0 = 0;
    OK(&t, s && rs_scorer_users(s, &u0, 1, out, &e) == 0, "score user 0");
    NEAR(&t, out[1], 1.0 / 3, 1e-7, "score(user 0, item 1) = x B = 1/3");
    uint32_t hist[] = { 0, 1 };
    float hv[] = { 1, 1 };
    OK(&t, s && rs_scorer_history(s, hist, hv, 2, out, &e) == 0, "score a new history");
    NEAR(&t, out[0], 1.0 / 3, 1e-7, "history {0, 1}: item 0 gets B[1][0]");
    OK(&t, s && rs_scorer_similar(s, 1, out, &e) == 0 && fabsf(out[0] - 1.0f / 3) < 1e-7,
       "similar to item 1: row 1 of B");
    rs_scorer_close(s);

    /* --binary: a history naming an item twice counts it once, as the fit did. */
    rs_bundle bb = { 0 };
    rs_csr_put(&m, &bb, 0);
    o.binary = 1;
    o.reg = 1;
    OK(&t, rs_ease_fit(&m, &o, &bb, &e) == 0, "fit with binary, L = 1");
    rs_scorer *sb = rs_scorer_open(&bb, &e);
    uint32_t twice[] = { 0, 0 };
    float tv[] = { 5, 5 };
    OK(&t, sb && rs_scorer_history(sb, twice, tv, 2, out, &e) == 0, "score a history with a repeat");
    NEAR(&t, out[1], 1.0 / 3, 1e-7, "binary: item 0 twice still scores B[0][1] once");
    rs_scorer_close(sb);
    rs_bundle_free(&bb);
    o.binary = 0;

    /* Refusals. */
    rs_bundle bad = { 0 };
    o.reg = 0;
    OK(&t, rs_ease_fit(&m, &o, &bad, &e) < 0 && e.code == RS_EUSAGE, "--reg 0 is refused: %s", e.msg);
    o.reg = 1;
    o.mem_limit = 1000;
    OK(&t, rs_ease_fit(&m3, &o, &bad, &e) == 0, "3 items need 108 bytes: fits in 1000");
    o.mem_limit = 100;
    OK(&t, rs_ease_fit(&m3, &o, &bad, &e) < 0 && strstr(e.msg, "largest catalogue that fits is 2 items"),
       "a catalogue too big for memory names the largest that fits: %s", e.msg);
    OK(&t, rs_ease_max_items(12ull * 26744 * 26744) == 26744, "26,744 items fit in 12 x n^2 bytes");
    rs_bundle_free(&bad);
    rs_bundle_free(&b);
    rs_bundle_free(&b3);
    rs_csr_free(&m);
    rs_csr_free(&m3);
    return tap_done(&t);
}
