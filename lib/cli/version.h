/* version.h: which rs this is.  The version and the commit come from the
 * Makefile as -D flags to version.c alone, so a new commit recompiles one
 * small file (and relinks), nothing else. */
#ifndef RS_VERSION_H
#define RS_VERSION_H

/* "0.1.0": what files record as their writer's version (never the commit,
 * so the same version writes the same bytes). */
const char *rs_version_number(void);
/* `git describe --always --dirty` at build time ("1a2b3c4", "1a2b3c4-dirty"),
 * or "" when built outside a git checkout (a release tarball). */
const char *rs_version_commit(void);

#endif
