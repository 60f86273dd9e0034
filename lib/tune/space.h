/* space.h: the parameter space of a search (rs-search), and the command
 * template its settings are put into.
 *
 * A space file has one parameter a line ('#' comments and blank lines
 * skipped):
 *   NAME int LO HI [log]       an integer in LO..HI
 *   NAME float LO HI [log]     a real number in [LO, HI]
 *   NAME choice A B C ...      one of the words
 * "log" draws on a log scale (LO > 0): learning rates, regularization.
 * A value is a string as it goes into the command and the results TSV
 * (ints as %lld, floats as the shortest %.Ng (N <= 6) that is inside the
 * range, choices as written), so a results file read back gives exactly
 * the settings that ran.
 *
 * Internally a sampler works on x, a real number per parameter: the value
 * for ints and floats (its log for log scales), the index for choices. */
#ifndef RS_TUNE_SPACE_H
#define RS_TUNE_SPACE_H
#include <stddef.h>
#include "common/err.h"

enum { RS_PARAM_INT, RS_PARAM_FLOAT, RS_PARAM_CHOICE };

typedef struct rs_param {
    char *name;
    int type;
    int log;
    double lo, hi;          /* int and float bounds (as given) */
    char **choices;         /* RS_PARAM_CHOICE */
    int nchoices;
} rs_param;

typedef struct rs_space {
    rs_param *p;
    int n;
} rs_space;

/* Parse the space file at path; errors name the file and line (RS_EDATA). */
int rs_space_read(const char *path, rs_space *s, rs_err *e);
/* The same from text in memory (name is what errors call it). */
int rs_space_parse(const char *text, const char *name, rs_space *s, rs_err *e);
void rs_space_free(rs_space *s);

/* The internal range of x for parameter p: [lo, hi] on its scale (an int
 * widened by 1/2 each side, so that its ends are drawn as often as the
 * rest); a choice's index range is [0, nchoices). */
void rs_param_bounds(const rs_param *p, double *lo, double *hi);
/* x (internal) as the value string, into buf (n >= 64). */
void rs_param_format(const rs_param *p, double x, char *buf, size_t n);
/* A value string back to x; -1 when it is not a value of p. */
int rs_param_parse(const rs_param *p, const char *s, double *x);

/* The command with {NAME} replaced by values[j] of the parameter NAME and
 * {trial} by trial; a newly allocated string.  Only a brace around a word
 * (letters, digits, _ and -) is a placeholder: other braces (awk's, the
 * shell's) are text, and "{{" is a literal "{". */
char *rs_space_expand(const rs_space *s, const char *tmpl, char *const *values, long trial);
/* Check tmpl before any run: every {NAME} must be a parameter or trial
 * and every parameter must be used (RS_EUSAGE naming it). */
int rs_space_check_template(const rs_space *s, const char *tmpl, rs_err *e);

#endif
