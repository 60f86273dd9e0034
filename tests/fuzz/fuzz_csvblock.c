/* fuzz_csvblock: the block parser of rating files (prep/ratingfile.c)
 * against the reference reading, libcsv alone in one thread
 * (tests/unit/csvdiff.h): one thread and three from a file, three from a
 * pipe, with pieces of 1 to 64 bytes, so that blocks and pieces end at
 * every place in a line, a quoted field or a CRLF.  Tables and messages
 * must be the same.
 *
 * The first byte chooses the separator (sniffed, ',', TAB, ';'), the
 * header (sniffed, yes, no) and the piece size; the rest is the file. */
#include "fuzz.h"
#include "../unit/csvdiff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const seps[] = { NULL, ",", "tab", ";" };
    if (size < 1) return 0;
    rs_dialect d;
    rs_err e;
    rs_dialect_init(&d);
    if (seps[data[0] & 3]) FUZZ_ASSERT(rs_dialect_set_sep(&d, seps[data[0] & 3], &e) == 0);
    d.header = (data[0] >> 2 & 3) % 3 - 1;
    size_t span = 1 + (size_t)(data[0] >> 4) * 4;
    data++;
    size--;
    const char *path = fuzz_file(data, size);
    char why[1200];
    if (csvdiff_run(path, (const char *)data, size, d, span, why, sizeof why) < 0) {
        fprintf(stderr, "%s\n", why);
        FUZZ_ASSERT(!"block parser and reference differ");
    }
    return 0;
}
