/* fuzz_eval: rs-eval's readers (eval/eval.h): recommendation lists,
 * predictions, test and training sets, then both evaluations over what
 * was read.
 *
 * The input is up to three parts separated by NUL bytes (which no text
 * reader accepts, so they cannot be part of a valid file): the lists (or,
 * when the first byte is odd, predictions: the byte itself is dropped),
 * the test set and optionally the training set. */
#include "fuzz.h"
#include "eval/eval.h"

typedef int (*reader)(rs_eval *, rs_in *, rs_err *);

static int read_part(rs_eval *ev, reader fn, const uint8_t *p, size_t n, rs_err *e)
{
    rs_in *in = rs_in_open_mem("part", p, n);
    int rc = fn(ev, in, e);
    rs_in_close(in);
    if (rc < 0) FUZZ_ASSERT(e->msg[0] && (e->code == RS_EDATA || e->code == RS_EUSAGE));
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    int predictions = data[0] & 1;
    data++;
    size--;
    const uint8_t *part[3] = { data, NULL, NULL };
    size_t len[3] = { size, 0, 0 };
    int nparts = 1;
    for (size_t k = 0; k < size && nparts < 3; k++)
        if (data[k] == 0) {
            len[nparts - 1] = (size_t)(data + k - part[nparts - 1]);
            part[nparts] = data + k + 1;
            len[nparts] = size - k - 1;
            nparts++;
        }

    rs_eval *ev = rs_eval_new();
    rs_err e = { 0 };
    int ok = read_part(ev, predictions ? rs_eval_read_predictions : rs_eval_read_recs,
                       part[0], len[0], &e) == 0
          && (nparts < 2 || read_part(ev, rs_eval_read_test, part[1], len[1], &e) == 0)
          && (nparts < 3 || read_part(ev, rs_eval_read_train, part[2], len[2], &e) == 0);
    if (ok && nparts >= 2) {
        if (predictions) {
            rs_rated_report r;
            if (rs_eval_rated(ev, &r, &e) == 0)
                FUZZ_ASSERT(r.pairs + r.missing > 0 && !(r.rmse < 0) && !(r.mae < 0));
        } else {
            int64_t ks[] = { 1, 3, 10 };
            rs_topn_opts o = { .ks = ks, .nk = 3, .ap_denom = RS_AP_MIN, .per_user = 1 };
            rs_topn_report r = { 0 };
            if (rs_eval_topn(ev, &o, &r, &e) == 0) {
                for (int k = 0; k < r.nk; k++) {
                    const rs_topn_row *w = &r.rows[k];
                    /* Means of figures in [0, 1]. */
                    FUZZ_ASSERT(!(w->hitrate < 0 || w->hitrate > 1 + 1e-9));
                    FUZZ_ASSERT(!(w->precision < 0 || w->precision > 1 + 1e-9));
                    FUZZ_ASSERT(!(w->recall < 0 || w->recall > 1 + 1e-9));
                    FUZZ_ASSERT(!(w->ndcg < 0 || w->ndcg > 1 + 1e-6));
                }
            }
            rs_topn_report_free(&r);
        }
    }
    rs_eval_free(ev);
    return 0;
}
