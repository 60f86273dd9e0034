#include "model/diverge.h"
#include "format/finite.h"

static int report(const char *what, const char *step, const char *name, size_t at,
                  size_t rowlen, const char *hint, rs_err *e)
{
    return rs_errf(e, RS_EDATA, "%s diverged at %s (%s is NaN/inf at row %zu): %s", what, step,
                   name, at / (rowlen ? rowlen : 1), hint);
}

int rs_diverged_f32(const char *what, const char *step, const char *name, const float *x,
                    size_t n, size_t rowlen, const char *hint, rs_err *e)
{
    size_t at = x ? rs_first_nonfinite_f32(x, n) : n;
    return at == n ? 0 : report(what, step, name, at, rowlen, hint, e);
}

int rs_diverged_f64(const char *what, const char *step, const char *name, const double *x,
                    size_t n, size_t rowlen, const char *hint, rs_err *e)
{
    size_t at = x ? rs_first_nonfinite_f64(x, n) : n;
    return at == n ? 0 : report(what, step, name, at, rowlen, hint, e);
}
