#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/version.h"
#include "common/err.h"
#include "common/num.h"
#include "format/layout.h"

void rs_usage_error(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\nTry '%s --help' for more information.\n", rs_prog(), buf, rs_prog());
    exit(RS_EUSAGE);
}

double rs_opt_double(const char *opt, const char *arg, double lo, double hi)
{
    double v;
    const char *why;
    if (rs_num_f64(arg, strlen(arg), &v, &why) < 0)     /* no hex, nan, inf */
        rs_usage_error("%s: invalid number '%s' (%s)", opt, arg, why);
    if (v < lo || v > hi)
        rs_usage_error("%s: %s is out of range (%g to %g)", opt, arg, lo, hi);
    return v;
}

int64_t rs_opt_int(const char *opt, const char *arg, int64_t lo, int64_t hi)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (end == arg || *end)
        rs_usage_error("%s: invalid integer '%s'", opt, arg);
    if (errno == ERANGE || v < lo || v > hi)
        rs_usage_error("%s: %s is out of range (%lld to %lld)", opt, arg,
                       (long long)lo, (long long)hi);
    return v;
}

uint64_t rs_opt_seed(const char *opt, const char *arg)
{
    char *end;
    errno = 0;
    if (arg[0] == '-') rs_usage_error("%s: invalid seed '%s' (a non-negative integer)", opt, arg);
    unsigned long long v = strtoull(arg, &end, 10);
    if (end == arg || *end || errno == ERANGE)
        rs_usage_error("%s: invalid seed '%s' (a non-negative integer)", opt, arg);
    return v;
}

int rs_opt_int_list(const char *opt, const char *arg, int64_t lo, int64_t hi,
                    int64_t *out, int max)
{
    int n = 0;
    const char *p = arg;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char buf[32];
        if (len == 0 || len >= sizeof buf) rs_usage_error("%s: invalid list '%s'", opt, arg);
        memcpy(buf, p, len);
        buf[len] = '\0';
        if (n == max) rs_usage_error("%s: at most %d values", opt, max);
        out[n++] = rs_opt_int(opt, buf, lo, hi);
        if (!comma) break;
        p = comma + 1;
    }
    return n;
}

int rs_opt_jobs(const char *arg)
{
    int j = (int)rs_opt_int("--jobs", arg, 0, 1024);
    return j ? j : rs_threads_default();
}

int rs_opt_zlevel(const char *arg)
{
    return arg ? (int)rs_opt_int("--compress", arg, 1, 19) : 3;
}

int rs_opt_zlevel_getopt(const char *arg, int argc, char **argv)
{
    if (!arg && optind < argc && argv[optind][0]) {
        const char *s = argv[optind];
        size_t n = strspn(s, "0123456789");
        if (s[n] == '\0') {
            optind++;
            return rs_opt_zlevel(s);
        }
    }
    return rs_opt_zlevel(arg);
}

void rs_help(const char *text)
{
    fputs(text, stdout);
    exit(fflush(stdout) == 0 ? 0 : 1);
}

/* The hidden --list-options: the getopt table as "--name<TAB>none|required|
 * optional<TAB>-x<TAB>--first" lines (x: the short option it is, if any;
 * first: the option's first name, when this one is another), for the test
 * that checks the shell completions (made from --help) against it. */
static void list_options(const char *shortopts, const struct option *all)
{
    static const char *const has[] = { "none", "required", "optional" };
    for (const struct option *lo = all; lo->name; lo++) {
        int c = lo->flag || lo->val <= 0 || lo->val > 127 || lo->val == ':' ? 0 : lo->val;
        const struct option *first = all;
        while (first->flag != lo->flag || first->val != lo->val) first++;
        char s[3] = "";
        if (c && strchr(shortopts, c)) snprintf(s, sizeof s, "-%c", c);
        printf("--%s\t%s\t%s\t%s%s\n", lo->name, has[lo->has_arg], s,
               first == lo ? "" : "--", first == lo ? "" : first->name);
    }
    exit(fflush(stdout) == 0 ? 0 : 1);
}

int rs_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
    if (argc == 2 && optind <= 1 && !strcmp(argv[1], "--list-options"))
        list_options(shortopts, longopts);
    /* getopt names the program by argv[0], which may be a path; every
     * other diagnostic says "rs-filter:", so say that here too. */
    argv[0] = (char *)rs_prog();
    int c = getopt_long(argc, argv, shortopts, longopts, NULL);
    if (c == '?' || c == ':') {     /* getopt has said what is wrong */
        fprintf(stderr, "Try '%s --help' for more information.\n", rs_prog());
        exit(RS_EUSAGE);
    }
    return c;
}

void rs_cmd_input(rs_outset *s, const char *name, const char *path, const char *what,
                  const char *how)
{
    if ((!path || strcmp(path, "-") == 0) && isatty(STDIN_FILENO))
        rs_usage_error("reading %s from the terminal; give %s", what, how);
    rs_err e = { 0 };
    if (rs_outset_input(s, name, path, &e) < 0) {
        rs_outset_abort(s);
        rs_usage_error("%s", e.msg);
    }
}

void rs_cmd_inputs(rs_outset *s, char *const *files, int n, const char *what, const char *how)
{
    if (n == 0) rs_cmd_input(s, "the input", NULL, what, how);
    for (int k = 0; k < n; k++) rs_cmd_input(s, "the input", files[k], what, how);
}

rs_out *rs_cmd_open(rs_outset *s, const char *opt, const char *path, int binary)
{
    rs_err e = { 0 };
    rs_out *o = rs_outset_open(s, opt, path, binary, &e);
    if (!o) {
        rs_outset_abort(s);
        rs_cmd_fail(NULL, &e);
    }
    return o;
}

void rs_cmd_fail(rs_out *o, const rs_err *e)
{
    rs_out_abort(o);
    if (!e->msg[0]) exit(0);    /* the reader left: a quiet stop */
    if (e->code == RS_EUSAGE) rs_usage_error("%s", e->msg);
    rs_die_err(e);
}

void rs_cmd_close(rs_out *o)
{
    rs_err e = { 0 };
    if (rs_out_close(o, &e) < 0) rs_cmd_fail(NULL, &e);
}

/* meta's last entry becomes writer=PROG VERSION: the program and version
 * (not the commit or a time: the same version writes the same bytes) that
 * wrote the file.  Last, so that a model has the same meta whether its
 * program read a matrix (which has a writer) or built one. */
static void set_writer(rs_bundle *b)
{
    char writer[128];
    snprintf(writer, sizeof writer, "writer=%s %s", rs_prog(), rs_version_number());
    rs_block *meta = rs_bundle_get(b, "meta");
    if (!meta || meta->dtype != RS_STR) {
        rs_meta_set(b, "writer", writer + 7);
        return;
    }
    const char **s = rs_block_strs(meta);
    uint64_t n = meta->rows, kept = 0;
    s = rs_xrealloc(s, (n + 1) * sizeof *s);
    for (uint64_t j = 0; j < n; j++)
        if (strncmp(s[j], "writer=", 7)) s[kept++] = s[j];
    s[kept++] = writer;
    /* put_strs copies the strings, which point into the old block, first. */
    rs_bundle_put_strs(b, "meta", s, kept);
    free(s);
}

void rs_cmd_write_bundle(rs_out *o, rs_bundle *b, int zlevel)
{
    set_writer(b);
    rs_err e = { 0 };
    if (rs_bundle_write(rs_out_file(o), b, zlevel, &e) < 0) {
        /* The output's own account names the file and the reason, and is
         * empty when the reader left. */
        rs_err why = { 0 };
        rs_cmd_fail(o, rs_out_check(o, &why) < 0 ? &why : &e);
    }
}

static int matrix_block(const char *name)
{
    return rs_layout_block_of(rs_layout_find("matrix"), name) != NULL;
}

void rs_cmd_write_bundle_over(rs_out *o, const rs_bundle_dir *d, rs_bundle *b, int zlevel)
{
    set_writer(b);
    rs_err e = { 0 };
    if (rs_bundle_write_over(rs_out_file(o), d, matrix_block, b, zlevel, &e) < 0) {
        rs_err why = { 0 };
        rs_cmd_fail(o, rs_out_check(o, &why) < 0 ? &why : &e);
    }
}
