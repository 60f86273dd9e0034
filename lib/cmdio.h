/* cmdio.h: how a program's main() parses its options and gives up or
 * finishes with its output, the same way in every program:
 *
 *   - getopt's own complaints carry the short program name, like every
 *     other diagnostic, and are followed by the --help hint (exit 2);
 *   - a failure removes the half-written output, so -o FILE leaves
 *     nothing behind, and is said once as "prog: msg" (usage errors, such
 *     as binary output to a terminal, with the --help hint, exit 2; the
 *     rest exit 1);
 *   - a reader that left the pipe early (| head) gets silence, exit 1.
 *
 * Like rs_die and rs_usage_error, these print and exit: they are for the
 * mains in cmd/ only, never for library code, which returns an rs_err. */
#ifndef RS_CMDIO_H
#define RS_CMDIO_H
#include "err.h"
#include "fmt.h"
#include "io.h"

struct option;

/* getopt_long, reporting its errors itself: returns an option, or -1 at
 * the end of the options, never '?' or ':'. */
int rs_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/* Give up: remove o's temporary file (o may be NULL), report e, exit with
 * its code.  An empty message means the reader left: nothing is said. */
_Noreturn void rs_cmd_fail(rs_out *o, const rs_err *e);

/* Close o, renaming a named output into place; on failure as rs_cmd_fail. */
void rs_cmd_close(rs_out *o);

/* Write b to o (zlevel as rs_bundle_write); on failure as rs_cmd_fail. */
void rs_cmd_write_bundle(rs_out *o, const rs_bundle *b, int zlevel);

#endif
