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

/* X with repeated (user, item) entries merged, as the user's one value for
 * the item (summed, or 1 with binary), rows sorted, and its transpose. */
typedef struct xmat {
    size_t rows, cols;
    uint64_t *ptr, *tptr;       /* rows + 1, cols + 1 */
    uint32_t *idx, *tidx;       /* items of each row; users of each column */
    double *val, *tval;
} xmat;

static void xmat_build(const rs_csr *s, int binary, xmat *x)
{
    x->rows = s->rows;
    x->cols = s->cols;
    x->ptr = rs_xcalloc(x->rows + 1, sizeof *x->ptr);
    x->idx = rs_xmalloc((s->nnz ? s->nnz : 1) * sizeof *x->idx);
    x->val = rs_xmalloc((s->nnz ? s->nnz : 1) * sizeof *x->val);
    uint64_t len = 0;
    for (size_t u = 0; u < x->rows; u++) {
        uint64_t start = len;
        for (uint64_t q = s->indptr[u]; q < s->indptr[u + 1]; q++) {
            double v = binary ? 1.0 : s->values[q];
            if (len > start && x->idx[len - 1] == s->indices[q]) {
                if (!binary) x->val[len - 1] += v;
            } else {
                x->idx[len] = s->indices[q];
                x->val[len++] = v;
            }
        }
        x->ptr[u + 1] = len;
    }
    x->tptr = rs_xcalloc(x->cols + 2, sizeof *x->tptr);
    x->tidx = rs_xmalloc((len ? len : 1) * sizeof *x->tidx);
    x->tval = rs_xmalloc((len ? len : 1) * sizeof *x->tval);
    for (uint64_t q = 0; q < len; q++) x->tptr[x->idx[q] + 2]++;
    for (size_t i = 0; i < x->cols; i++) x->tptr[i + 2] += x->tptr[i + 1];
    for (size_t u = 0; u < x->rows; u++)
        for (uint64_t q = x->ptr[u]; q < x->ptr[u + 1]; q++) {
            uint64_t p = x->tptr[x->idx[q] + 1]++;
            x->tidx[p] = (uint32_t)u;
            x->tval[p] = x->val[q];
        }
}

static void xmat_free(xmat *x)
{
    free(x->ptr); free(x->idx); free(x->val);
    free(x->tptr); free(x->tidx); free(x->tval);
}

typedef struct gram_job {
    const xmat *x;
    double *g;
    size_t stride;              /* rows go to chunks round-robin: r % stride */
} gram_job;

/* Rows a of the upper triangle of X'X for the chunks lo..hi: row a is the
 * sum over a's users u of x[u][a] times u's row from a on, so each row of
 * G is built while it sits in the cache (adding user by user into all of
 * G missed the cache at every entry: a fifth of the fit at 6,000 items),
 * and rows are independent, so threads take them in turn. */
static int gram_rows(void *ctx, int t, size_t lo, size_t hi, rs_err *e)
{
    const gram_job *j = ctx;
    const xmat *x = j->x;
    size_t n = x->cols;
    for (size_t c = lo; c < hi; c++)
        for (size_t a = c; a < n; a += j->stride) {
            double *row = j->g + a * n;
            for (uint64_t p = x->tptr[a]; p < x->tptr[a + 1]; p++) {
                uint32_t u = x->tidx[p];
                double va = x->tval[p];
                /* a's place in u's sorted row. */
                uint64_t q0 = x->ptr[u], q1 = x->ptr[u + 1];
                while (q0 < q1) {
                    uint64_t mid = q0 + (q1 - q0) / 2;
                    if (x->idx[mid] < a) q0 = mid + 1; else q1 = mid;
                }
                for (uint64_t q = q0; q < x->ptr[u + 1]; q++) row[x->idx[q]] += va * x->val[q];
            }
        }
    return 0;
}

/* Upper triangle of X'X (row-major, n x n) from the rows of m, whose
 * indices are sorted; a repeated entry's values are summed first, as the
 * user's one value for that item. */
static void gram(const rs_csr *m, int binary, int threads, double *g)
{
    xmat x;
    xmat_build(m, binary, &x);
    size_t chunks = (size_t)(threads > 0 ? threads : 1) * 16;
    if (chunks > x.cols) chunks = x.cols ? x.cols : 1;
    gram_job j = { &x, g, chunks };
    rs_parallel_for(threads, chunks, gram_rows, &j, &(rs_err){ 0 });   /* never fails */
    xmat_free(&x);
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
    gram(&s, o->binary, o->threads, g);
    rs_csr_free(&s);
    for (size_t i = 0; i < n; i++) g[i * n + i] += o->reg;
    if (o->progress) rs_progress_update(o->progress, 1, 3, "Gram matrix done");
    rs_blas_threads(o->threads);
    /* The row-major upper triangle is the column-major lower one: asked for
     * in LAPACK's own order, LAPACKE copies nothing (its row-major entry
     * points transpose the whole matrix in and out, twice). */
    lapack_int info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', (lapack_int)n, g, (lapack_int)n);
    if (info == 0) info = LAPACKE_dpotri(LAPACK_COL_MAJOR, 'L', (lapack_int)n, g, (lapack_int)n);
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
