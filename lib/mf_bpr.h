/* mf_bpr.h: Bayesian personalized ranking (Rendle, Freudenthaler,
 * Gantner, Schmidt-Thieme 2009) by SGD, with the details of the `implicit`
 * library's BPR.
 *
 * score(u, i) = P[u].Q[i] + bi[i].  The item bias is trained as one more
 * factor column whose user side is fixed at 1 (as `implicit` does).  One
 * sample: a training entry (u, i) drawn uniformly from all nonzeros (so
 * users are drawn in proportion to their activity), and a negative item j
 * drawn uniformly from the catalogue (negatives=uniform), or, as `implicit`
 * does, from the item column of another random nonzero (negatives=popular:
 * in proportion to popularity).  With verify, a j the user has is not
 * used (the sample is skipped, as in `implicit`); a j equal to i always
 * is.  With x = score(u, i) - score(u, j) and z = 1 / (1 + e^x):
 *   P[u] += lr (z (Q[i] - Q[j]) - reg P[u])
 *   Q[i] += lr (z P[u] - reg Q[i]),   Q[j] += lr (-z P[u] - reg Q[j])
 *   bi[i] += lr (z - reg bi[i]),      bi[j] += lr (-z - reg bi[j])
 * (all from the old values).  An iteration is nnz samples.  Factors start
 * uniform in [-0.5, 0.5) / k, biases too; those of users and items without
 * interactions at 0.
 *
 * Threads: each of o->threads threads draws its share of the samples from
 * its own random stream and updates the shared factors without locks
 * (Hogwild, as `implicit`).  With one thread the result is the same for
 * the same seed everywhere. */
#ifndef RS_MF_BPR_H
#define RS_MF_BPR_H
#include <stdint.h>
#include "csr.h"
#include "err.h"
#include "fmt.h"
#include "mf.h"
#include "progress.h"

enum rs_bpr_negatives { RS_BPR_UNIFORM, RS_BPR_POPULAR };

typedef struct rs_bpr_opts {
    int k;                  /* factors, 1..min(users, items) */
    int iterations;         /* >= 0 */
    double lr, reg;         /* > 0, >= 0 */
    int negatives;          /* enum rs_bpr_negatives */
    int verify;             /* skip negatives the user has */
    uint64_t seed;
    int threads;            /* >= 1 */
    rs_progress *progress;  /* or NULL */
    /* Optional report after each iteration (1-based): the fraction of the
     * samples used that were already ranked right (z < 1/2), and of the
     * samples skipped. */
    void (*iteration_done)(void *ctx, int iteration, double correct, double skipped,
                           double seconds);
    void *ctx;
} rs_bpr_opts;

/* `implicit`'s defaults, but for k (50 like every rs-svd model). */
#define RS_BPR_ITERATIONS 100
#define RS_BPR_LR 0.01
#define RS_BPR_REG 0.01

void rs_bpr_defaults(rs_bpr_opts *o);
/* "uniform" | "popular" -> enum, or -1. */
int rs_bpr_negatives_parse(const char *s);
const char *rs_bpr_negatives_name(int negatives);

int rs_bpr_fit(const rs_csr *a, const rs_bpr_opts *o, rs_mf *m, rs_err *e);
/* rs_mf_put as model=bpr, plus lr, reg, iterations and seed (the fold-in
 * runs the same SGD on the new user's vector alone), negatives,
 * verify_negatives. */
void rs_bpr_put(rs_mf *m, const rs_bpr_opts *o, rs_bundle *b);

#endif
