#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/num.h"
#include "common/parallel.h"
#include "model/ease.h"

uint64_t rs_ease_bytes(uint32_t n)
{
    return (uint64_t)n * n * (sizeof(double) + sizeof(float));
}

uint32_t rs_ease_max_items(uint64_t mem)
{
    uint64_t n = (uint64_t)sqrt((double)mem / (sizeof(double) + sizeof(float)));
    while (n > 0 && rs_ease_bytes((uint32_t)n) > mem) n--;
    while (rs_ease_bytes((uint32_t)n + 1) <= mem) n++;
    return (uint32_t)n;
}

static uint64_t machine_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : UINT64_MAX;
}

/* Upper triangle of X'X (row-major, n x n) from the rows of m, whose
 * indices are sorted; a repeated entry's values are summed first, as the
 * user's one value for that item. */
static void gram(const rs_csr *m, int binary, double *g)
{
    size_t n = m->cols, cap = 0;
    uint32_t *idx = NULL;
    double *val = NULL;
    for (uint32_t u = 0; u < m->rows; u++) {
        uint64_t lo = m->indptr[u], hi = m->indptr[u + 1];
        if (hi - lo > cap) {
            cap = hi - lo;
            idx = rs_xrealloc(idx, cap * sizeof *idx);
            val = rs_xrealloc(val, cap * sizeof *val);
        }
        size_t len = 0;
        for (uint64_t q = lo; q < hi; q++) {
            double v = binary ? 1.0 : m->values[q];
            if (len && idx[len - 1] == m->indices[q]) {
                if (!binary) val[len - 1] += v;
            } else {
                idx[len] = m->indices[q];
                val[len++] = v;
            }
        }
        for (size_t a = 0; a < len; a++) {
            double *row = g + idx[a] * n, va = val[a];
            for (size_t b = a; b < len; b++) row[idx[b]] += va * val[b];
        }
    }
    free(idx);
    free(val);
}

/* B from P = (X'X + L I)^-1, of which dpotri left the upper triangle:
 * mirrored first, block by block so that both sides stay in the cache,
 * then every row is read in order (a strided read of the lower triangle
 * cost more than the inverse itself at 4,000 items). */
static void weights(double *p, size_t n, float *w)
{
    enum { B = 64 };
    for (size_t i0 = 0; i0 < n; i0 += B)
        for (size_t j0 = i0; j0 < n; j0 += B)
            for (size_t i = i0; i < i0 + B && i < n; i++)
                for (size_t j = j0 > i + 1 ? j0 : i + 1; j < j0 + B && j < n; j++)
                    p[j * n + i] = p[i * n + j];
    double *d = rs_xmalloc(n * sizeof *d);
    for (size_t j = 0; j < n; j++) d[j] = p[j * n + j];
    for (size_t i = 0; i < n; i++) {
        const double *row = p + i * n;
        float *out = w + i * n;
        for (size_t j = 0; j < n; j++) out[j] = (float)(-row[j] / d[j]);
        out[i] = 0.0f;
    }
    free(d);
}

int rs_ease_fit(const rs_csr *m, const rs_ease_opts *o, rs_bundle *b, rs_err *e)
{
    size_t n = m->cols;
    if (!(o->reg > 0) || !isfinite(o->reg))
        return rs_errf(e, RS_EUSAGE, "--reg %g: EASE needs a regularization above 0", o->reg);
    if (m->nnz == 0 || n == 0)
        return rs_errf(e, RS_EDATA, "the matrix has no interactions to learn from");
    uint64_t mem = o->mem_limit ? o->mem_limit : machine_memory();
    if (rs_ease_bytes(m->cols) > mem)
        return rs_errf(e, RS_EUSAGE,
                       "EASE on %zu items needs %.1f GB (12 bytes x items^2), more than the "
                       "%.1f GB of memory here; the largest catalogue that fits is %u items "
                       "(rs-filter --min-item-users raises the bar for an item)",
                       n, rs_ease_bytes(m->cols) / 1e9, mem / 1e9, rs_ease_max_items(mem));
    rs_csr s;
    rs_csr_sorted_copy(m, &s);
    double *g = calloc(n * n, sizeof *g);
    if (!g) {
        rs_csr_free(&s);
        return rs_errf(e, RS_EDATA, "EASE: cannot allocate the %zu x %zu Gram matrix", n, n);
    }
    gram(&s, o->binary, g);
    rs_csr_free(&s);
    for (size_t i = 0; i < n; i++) g[i * n + i] += o->reg;
    if (o->progress) rs_progress_update(o->progress, 1, 3, "Gram matrix done");
    rs_blas_threads(o->threads);
    lapack_int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'U', (lapack_int)n, g, (lapack_int)n);
    if (info == 0) info = LAPACKE_dpotri(LAPACK_ROW_MAJOR, 'U', (lapack_int)n, g, (lapack_int)n);
    if (info != 0) {
        free(g);
        return rs_errf(e, RS_EDATA, "EASE: X'X + %g I is not positive definite (LAPACK info %d); "
                       "a larger --reg makes it so", o->reg, (int)info);
    }
    if (o->progress) rs_progress_update(o->progress, 2, 3, "inverse done");
    float *w = malloc(n * n * sizeof *w);
    if (!w) {
        free(g);
        return rs_errf(e, RS_EDATA, "EASE: cannot allocate the %zu x %zu weights", n, n);
    }
    weights(g, n, w);
    free(g);
    for (size_t k = 0; k < n * n; k++)
        if (!isfinite(w[k])) {
            free(w);
            return rs_errf(e, RS_EDATA, "EASE: a weight is not finite (item %zu); a larger "
                           "--reg keeps the inverse well conditioned", k / n);
        }
    rs_bundle_put(b, "ease_weights", RS_F32, n, n, w, 1);
    char buf[RS_NUM_BUF];
    rs_num_fmt_f64(buf, o->reg);
    rs_meta_set(b, "model", "ease");
    rs_meta_set(b, "reg", buf);
    rs_meta_set(b, "binary", o->binary ? "1" : "0");
    return 0;
}
