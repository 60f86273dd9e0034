/* fuzz.h: what the libFuzzer harnesses of tests/fuzz/ share.
 *
 * Readers take paths or rs_in streams, never memory, so each input is
 * handed over as a file: a memfd (no disk, one per process, rewritten for
 * every input) opened through /proc/self/fd/N.  Opened that way it is a
 * regular file, exactly as a file named on the command line.  Stream
 * readers also get rs_in_open_mem (common/io.h), which reads like a pipe.
 *
 * A harness must not print and must not leak: ASan's leak check runs at
 * exit, and every byte it reports is a finding. */
#ifndef RS_FUZZ_H
#define RS_FUZZ_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A harness's own invariant failed: abort, which libFuzzer reports as a
 * crash with the input that caused it. */
#define FUZZ_ASSERT(c) do { if (!(c)) { \
    fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #c); \
    abort(); } } while (0)

/* The path of a file holding data[0..n), valid until the next call with
 * the same slot (0 or 1: a bundle mapped from slot 0 stays valid while
 * slot 1 is rewritten). */
static inline const char *fuzz_file_at(int slot, const uint8_t *data, size_t n)
{
    static int fd[2] = { -1, -1 };
    static char path[2][64];
    if (fd[slot] < 0) {
        fd[slot] = memfd_create("fuzz-input", MFD_CLOEXEC);
        FUZZ_ASSERT(fd[slot] >= 0);
        snprintf(path[slot], sizeof path[slot], "/proc/self/fd/%d", fd[slot]);
    }
    FUZZ_ASSERT(ftruncate(fd[slot], 0) == 0);
    FUZZ_ASSERT(n == 0 || pwrite(fd[slot], data, n, 0) == (ssize_t)n);
    return path[slot];
}

static inline const char *fuzz_file(const uint8_t *data, size_t n)
{
    return fuzz_file_at(0, data, n);
}

/* Output that goes nowhere but is still formatted (writers run in full). */
static inline FILE *fuzz_null(void)
{
    static FILE *f;
    if (!f) f = fopen("/dev/null", "w");
    FUZZ_ASSERT(f);
    return f;
}

#endif
