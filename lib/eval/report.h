/* report.h: rs-eval's reports of eval.h's results: TSV with a header line,
 * an aligned table for people, a Markdown table, or JSON (common/json.h: one object; per-user
 * figures one object a line).  Numbers have 6 decimals; undefined ones are
 * nan in TSV and tables, null in JSON. */
#ifndef RS_REPORT_H
#define RS_REPORT_H
#include <stdio.h>
#include "eval/compare.h"
#include "eval/eval.h"

enum rs_report_format { RS_REPORT_TSV, RS_REPORT_TABLE, RS_REPORT_JSON, RS_REPORT_MARKDOWN };

void rs_topn_write(FILE *f, const rs_eval *ev, const rs_topn_report *r,
                   enum rs_report_format fmt);
void rs_topn_write_per_user(FILE *f, const rs_eval *ev, const rs_topn_report *r,
                            enum rs_report_format fmt);
/* Several models (and folds) in one table, a row per model and cutoff. */
void rs_compare_write(FILE *f, const rs_compare *c, enum rs_report_format fmt);
void rs_rated_write(FILE *f, const rs_rated_report *r, enum rs_report_format fmt);

#endif
