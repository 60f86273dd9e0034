/* partial.h: rs-eval --partial and --merge.  A shard of the users is
 * evaluated alone and writes the sums behind its report; the sums of all
 * shards merge into the report of the whole, byte for byte.
 *
 * The partial file is TSV, one record a line, first field its kind:
 *
 *   rs-eval-partial  1                     format version, the first line
 *   cutoffs   K1,K2,...                    as -k
 *   options   relevant=X|all ap=min|k|relevant train=0|1 diversity=0|1|2 attributes=N
 *   count     NAME   N                     users, users_without_recs,
 *                                          users_not_in_test, users_without_relevant,
 *                                          repeated
 *   sum       K   METRIC   N   HI:LO       metric's per-user values at cutoff K:
 *                                          N users, exact sum (common/xsum.h)
 *   short     K   N                        users with a list of 1..K-1 items
 *   item      ID   BEST|-                  a catalogue item and its best
 *                                          0-based list position (- in none)
 *
 * Merging adds counts and sums, takes each item's best position over the
 * shards (items match by id), and the catalogue as the union.  What cannot
 * merge in one pass is refused when the partial is asked for: serendipity,
 * personalization and longtail (--beyond) need the list or training counts
 * of all users before any user's value; the paired bootstrap of the model
 * table resamples users in the order of the whole test set. */
#ifndef RS_PARTIAL_H
#define RS_PARTIAL_H
#include <stdio.h>
#include "common/err.h"
#include "common/io.h"
#include "eval/eval.h"

/* r from rs_eval_topn with o->keep_sums. */
void rs_partial_write(FILE *f, const rs_eval *ev, const rs_topn_opts *o,
                      const rs_topn_report *r);

typedef struct rs_partial_merge rs_partial_merge;
rs_partial_merge *rs_partial_merge_new(void);
void rs_partial_merge_free(rs_partial_merge *m);
/* Add one partial file; RS_EDATA naming file and line when it is not one,
 * or when its cutoffs or options differ from the first one's. */
int rs_partial_merge_read(rs_partial_merge *m, rs_in *in, rs_err *e);
/* The merged report (rows and counts, as rs_eval_topn would fill them). */
int rs_partial_merge_report(rs_partial_merge *m, rs_topn_report *r, rs_err *e);

#endif
