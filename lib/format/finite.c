#include <math.h>
#include "format/finite.h"

size_t rs_first_nonfinite_f32(const float *x, size_t n)
{
    /* The common case is a clean block: one pass that the compiler can
     * vectorise (x - x is 0 for a finite x, NaN otherwise), and a second
     * look only when something was found. */
    float acc = 0;
    for (size_t i = 0; i < n; i++) acc += x[i] - x[i];
    if (acc == 0) return n;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return i;
    return n;
}

size_t rs_first_nonfinite_f64(const double *x, size_t n)
{
    double acc = 0;
    for (size_t i = 0; i < n; i++) acc += x[i] - x[i];
    if (acc == 0) return n;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return i;
    return n;
}

int rs_block_check_finite(const rs_bundle *b, const char *name, rs_err *e)
{
    const rs_block *blk = rs_bundle_get(b, name);
    if (!blk || (blk->dtype != RS_F32 && blk->dtype != RS_F64)) return 0;
    size_t n = blk->size / rs_dtype_size(blk->dtype);
    size_t at = blk->dtype == RS_F32 ? rs_first_nonfinite_f32(blk->data, n)
                                     : rs_first_nonfinite_f64(blk->data, n);
    if (at == n) return 0;
    uint64_t cols = blk->cols ? blk->cols : 1;
    return rs_errf(e, RS_EDATA, "model block %s holds NaN/inf at row %llu", name,
                   (unsigned long long)(at / cols));
}
