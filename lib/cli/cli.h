/* cli.h: what every program's main() shares, and only mains use: option
 * values checked for range and overflow, usage errors (exit 2), help and
 * version, and the way a program gives up or finishes with its output.
 *
 * Every program gives up or finishes the same way:
 *
 *   - getopt's own complaints carry the short program name, like every
 *     other diagnostic, and are followed by the --help hint (exit 2);
 *   - a failure removes the half-written output, so -o FILE leaves
 *     nothing behind, and is said once as "prog: msg" (usage errors, such
 *     as binary output to a terminal, with the --help hint, exit 2; the
 *     rest exit 1);
 *   - a reader that left the pipe early (| head) gets silence, and the
 *     program stops with status 0 (see rs_outset in common/io.h);
 *   - standard input that is a terminal, when the program would read it,
 *     is refused at once with a hint (exit 2) instead of a silent wait;
 *   - an output that is an input or another output is refused (exit 2).
 *
 * Like rs_die and rs_usage_error, these print and exit: they are for the
 * mains in cmd/ only, never for library code, which returns an rs_err. */
#ifndef RS_CLI_H
#define RS_CLI_H
#include <stdint.h>
#include "common/err.h"
#include "common/io.h"
#include "common/parallel.h"
#include "format/bundle.h"

/* "prog: msg\nTry 'prog --help' for more information." and exit 2. */
_Noreturn void rs_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse an option's argument or exit 2 naming the option (e.g. "--min-rating"). */
double rs_opt_double(const char *opt, const char *arg, double lo, double hi);
int64_t rs_opt_int(const char *opt, const char *arg, int64_t lo, int64_t hi);
uint64_t rs_opt_seed(const char *opt, const char *arg);
/* A comma-separated list of ints (e.g. -k 1,5,10); returns the count. */
int rs_opt_int_list(const char *opt, const char *arg, int64_t lo, int64_t hi,
                    int64_t *out, int max);

/* -j/--jobs N: 1..1024 threads, 0 for all cores; exits 2 on anything else. */
int rs_opt_jobs(const char *arg);
/* -z[LEVEL]/--compress[=LEVEL]: a zstd level 1..19, 3 when arg is NULL. */
int rs_opt_zlevel(const char *arg);
/* The same for getopt's 'z' with an optional argument, which getopt only
 * sees attached (-z9, --compress=9): a separate all-digits word after a
 * bare -z (-z 9) is taken as the level too (and consumed), never left to
 * be read as a file name. */
int rs_opt_zlevel_getopt(const char *arg, int argc, char **argv);

/* Print a help text (to stdout) and exit 0. */
_Noreturn void rs_help(const char *text);
/* Print "PROG (rs) VERSION" (and "(commit C)" when built from a git
 * checkout) and exit 0; in cli/version.c. */
_Noreturn void rs_version(void);

struct option;

/* getopt_long, reporting its errors itself: returns an option, or -1 at
 * the end of the options, never '?' or ':'. */
int rs_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/* An input of the run, declared before the outputs are opened: path NULL
 * or "-" is standard input.  Exits 2 when standard input is a terminal
 * ("reading WHAT from the terminal; give HOW"), or when the input is an
 * output of s.  name: how messages call the file ("the input", "-m"). */
void rs_cmd_input(rs_outset *s, const char *name, const char *path, const char *what,
                  const char *how);
/* The FILE arguments files[0..n-1] as "the input", or stdin when n is 0. */
void rs_cmd_inputs(rs_outset *s, char *const *files, int n, const char *what, const char *how);

/* Open an output of s (opt: "-o", "-t"; path NULL or "-": stdout); on
 * failure give up as rs_cmd_fail. */
rs_out *rs_cmd_open(rs_outset *s, const char *opt, const char *path, int binary);

/* Give up: remove the temporary files of o's set (o may be NULL), report
 * e, exit with its code.  An empty message means the reader left: nothing
 * is said, and the status is 0. */
_Noreturn void rs_cmd_fail(rs_out *o, const rs_err *e);

/* Close o's set, renaming every named output into place (all or none); on
 * failure as rs_cmd_fail. */
void rs_cmd_close(rs_out *o);

/* Write b to o (zlevel as rs_bundle_write), its meta saying writer=PROG
 * VERSION (set in b); on failure as rs_cmd_fail. */
void rs_cmd_write_bundle(rs_out *o, rs_bundle *b, int zlevel);
/* The same for a model whose matrix stays in the file d (rs-svd-mpi): d's
 * matrix blocks are copied from the file in pieces, b's (meta, the
 * model's) take their places or follow, as rs_bundle_write_over. */
void rs_cmd_write_bundle_over(rs_out *o, const rs_bundle_dir *d, rs_bundle *b, int zlevel);

#endif
