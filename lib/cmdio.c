#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "cmdio.h"

int rs_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
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

void rs_cmd_fail(rs_out *o, const rs_err *e)
{
    rs_out_abort(o);
    if (!e->msg[0]) exit(e->code ? e->code : RS_EDATA);
    if (e->code == RS_EUSAGE) rs_usage_error("%s", e->msg);
    rs_die_err(e);
}

void rs_cmd_close(rs_out *o)
{
    rs_err e = { 0 };
    if (rs_out_close(o, &e) < 0) rs_cmd_fail(NULL, &e);
}

void rs_cmd_write_bundle(rs_out *o, const rs_bundle *b, int zlevel)
{
    rs_err e = { 0 };
    if (rs_bundle_write(rs_out_file(o), b, zlevel, &e) < 0) {
        if (errno == EPIPE) e.msg[0] = '\0';    /* the reader left, as rs_out_close says */
        rs_cmd_fail(o, &e);
    }
}
