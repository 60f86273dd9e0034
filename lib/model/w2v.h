/* w2v.h: word2vec with negative sampling over item sequences (item2vec),
 * skip-gram and CBOW, with the semantics of gensim's Word2Vec (4.x) and
 * its parameter names:
 *
 *   vocabulary    items seen at least min_count times (repeats count); the
 *                 others are dropped from the sequences before windows are
 *                 taken, so a window spans the gap they leave.
 *   down-sampling with t = sample x (occurrences of vocabulary items) (for
 *                 sample >= 1, t = int(sample (3 + sqrt 5) / 2)), an item
 *                 seen c times is kept with probability (sqrt(c/t) + 1) t/c
 *                 (at most 1), drawn anew for each occurrence and epoch,
 *                 before windows are taken; sample 0 keeps everything.
 *   windows       for each position a b uniform in 0..window-1 shrinks the
 *                 window to window - b items on each side (word2vec.c's
 *                 reduced windows), unless shrink_windows is 0 (gensim's
 *                 shrink_windows=False: every window is whole, and no
 *                 random number is drawn for it).
 *   noise         negatives are drawn with probability proportional to
 *                 c^ns_exponent over the vocabulary (any exponent: a
 *                 negative one favours rare items); a draw equal to the
 *                 positive target is skipped, not redrawn.
 *   sigmoid       from a table over (-6, 6); a pair whose dot product lies
 *                 outside is left as it is (gensim, unlike word2vec.c,
 *                 does not update it either).
 *   skip-gram     each context item's input vector predicts the centre
 *                 item's output vector: the positive and the negatives.
 *   CBOW          the mean (cbow_mean = 1) or the sum of the context input
 *                 vectors predicts the centre; the error goes back to each
 *                 context vector, divided by their count when summing.
 *   learning rate alpha falls linearly to min_alpha over the whole run,
 *                 by position (epoch x items + offset of the sequence).
 *   init          input vectors uniform in [-1/d, 1/d) (gensim 4), output
 *                 vectors zero; items outside the vocabulary keep zeros.
 *
 * Unlike gensim, sequences are never cut at 10,000 items.
 *
 * Threads (more than one) each train a copy of the vectors and add what
 * they changed into the shared ones every few chunks (a 16th of an epoch
 * at most; 4 x the vectors' memory a thread): lock-free threads on the
 * shared rows, as word2vec.c and gensim run, passed the rows between the
 * cores and took more CPU than one thread.  The work is cut into chunks
 * of whole sequences, fixed by the input alone; each chunk and epoch has its own random stream of
 * the seed, and a sequence's learning rate depends on its position only,
 * so with one thread the vectors are a function of the input and the seed
 * (on a given machine: the vector code path is chosen by the CPU). */
#ifndef RS_W2V_H
#define RS_W2V_H
#include <stdint.h>
#include <stdio.h>
#include "format/csr.h"
#include "common/err.h"
#include "format/bundle.h"
#include "common/progress.h"
#include "model/early.h"

typedef struct rs_w2v_opts {
    uint32_t dim;           /* vector_size */
    uint32_t window;        /* >= 1 */
    uint32_t negative;      /* >= 1 */
    uint32_t epochs;        /* >= 1 */
    uint64_t min_count;
    double ns_exponent;
    double sample;          /* >= 0; 0 = no down-sampling */
    double alpha, min_alpha;
    int sg;                 /* 1 skip-gram, 0 CBOW */
    int cbow_mean;          /* 1 mean, 0 sum (also how rs-recommend combines) */
    int shrink_windows;     /* 1: reduced windows (default), 0: whole windows */
    uint64_t seed;
    int threads;            /* >= 1 */
    int simd;               /* 0: best the CPU has; 1: the baseline SSE path */
    /* Early stopping (model/early.h): when validate is set, the epochs run
     * one at a time and after each the model is handed to it as a factor
     * model that ranks as rs-recommend does (P[u] the sum of the input
     * vectors of u's known items, Q the output vectors, items outside the
     * vocabulary never ranked); stop after patience epochs without a
     * larger metric (0: never) and keep the best epoch's vectors, whose
     * number goes to *best_epoch (when not NULL).  The learning rate still
     * decays over all --epochs, so a stopped model is not the model of a
     * shorter run. */
    rs_validate_fn validate;
    void *vctx;
    int patience;
    int *best_epoch;
} rs_w2v_opts;

/* gensim's defaults: 100, 5, 5, 5, 5, 0.75, 1e-3, 0.025, 0.0001, CBOW, mean, seed 1. */
void rs_w2v_defaults(rs_w2v_opts *o);
/* Option ranges; fills e (RS_EUSAGE) when one is out. */
int rs_w2v_check(const rs_w2v_opts *o, rs_err *e);

typedef struct rs_w2v {
    uint32_t items, dim;
    float *in, *out;        /* items x dim: input vectors, output (syn1neg) vectors */
    uint64_t *count;        /* items: occurrences, 0 for items outside the vocabulary */
    uint32_t vocab;         /* items in the vocabulary */
    uint64_t words;         /* items in all sequences (one pass) */
    uint64_t trained;       /* items trained on over all epochs (after sampling) */
    const char *kernel;     /* "avx512", "avx2" or "sse": which code ran */
} rs_w2v;

/* Train on the rows of seq, each a sequence in stored order, over the
 * items 0..seq->cols-1.  progress may be NULL.  Fails (RS_EDATA) when no
 * item reaches min_count. */
int rs_w2v_train(const rs_csr *seq, const rs_w2v_opts *o, rs_progress *progress, rs_w2v *m,
                 rs_err *e);
void rs_w2v_free(rs_w2v *m);

/* A copy of m whose rows are stably sorted by time (m->times must be set). */
void rs_w2v_time_order(const rs_csr *m, rs_csr *out);

/* Add the model to b (which holds the training matrix): meta model=w2v and
 * the options, blocks w2v_in, w2v_out (F32 items x dim) and w2v_count (U64
 * items), removing any other model's blocks.  The arrays pass to b. */
void rs_w2v_put(rs_w2v *m, const rs_w2v_opts *o, const char *order, rs_bundle *b);

/* The input vectors of the vocabulary in the word2vec text format: a line
 * "n dim", then "id v1 ... vdim" per item, most frequent first (ties in
 * item order), values in the shortest form that reads back exactly.
 * Fails (RS_EDATA) on an id the format cannot hold (empty, or with
 * white space). */
int rs_w2v_write_text(FILE *f, const rs_w2v *m, const char *const *ids, rs_err *e);

#endif
