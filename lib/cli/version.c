/* version.c: the version, and rs_version (--version).  RS_VERSION and
 * RS_COMMIT are given by the Makefile to this file only. */
#include <stdio.h>
#include <stdlib.h>
#include "cli/cli.h"
#include "cli/version.h"
#include "common/err.h"

#ifndef RS_VERSION
#error "RS_VERSION is not defined: build with the Makefile"
#endif
#ifndef RS_COMMIT
#define RS_COMMIT ""
#endif

const char *rs_version_number(void)
{
    return RS_VERSION;
}

const char *rs_version_commit(void)
{
    return RS_COMMIT;
}

void rs_version(void)
{
    if (RS_COMMIT[0]) printf("%s (rs) %s (commit %s)\n", rs_prog(), RS_VERSION, RS_COMMIT);
    else printf("%s (rs) %s\n", rs_prog(), RS_VERSION);
    exit(fflush(stdout) == 0 ? 0 : 1);
}
