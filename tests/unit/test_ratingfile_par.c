/* Unit tests of lib/prep/ratingfile_par: cutting a block at line ends, and
 * the blocks of a source (a mapped file, a stream), the unused rest of one
 * coming again at the start of the next. */
#include <fcntl.h>
#include <unistd.h>
#include "tap.h"
#include "prep/ratingfile_par.h"

static char path[] = "/tmp/rs-test-csvpar-XXXXXX";

static void file_with(const char *text)
{
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, text, strlen(text)) < 0) exit(1);
    close(fd);
}

/* Read all of src in blocks of which each time only whole lines are used
 * (all of the last block); the bytes seen in order, and the blocks. */
static size_t drain(rs_csvsrc *src, char *out, int *blocks)
{
    size_t got = 0;
    rs_err e;
    *blocks = 0;
    for (;;) {
        const char *buf;
        size_t n;
        int at_end;
        if (rs_csvsrc_next(src, &buf, &n, &at_end, &e) < 0 || n == 0) break;
        ++*blocks;
        const char *nl = memrchr(buf, '\n', n);
        size_t used = at_end ? n : nl ? (size_t)(nl - buf) + 1 : 0;
        memcpy(out + got, buf, used);
        got += used;
        rs_csvsrc_used(src, used);
        if (at_end && used == n) break;
    }
    return got;
}

int main(void)
{
    tap t = { 0 };
    const char *text = "a,b\nc,d\n\"x\ny\",e\nf,g\nh,i";    /* no final line end */
    size_t len = strlen(text), cuts[9];

    int k = rs_csvpar_cut(text, len, 4, 1, cuts);
    int good = k >= 1 && k <= 4 && cuts[0] == 0 && cuts[k] == len - 3;
    for (int j = 1; j <= k && good; j++) good = cuts[j] > cuts[j - 1] && text[cuts[j] - 1] == '\n';
    OK(&t, good, "4 pieces: %d, increasing, each after a line end, the last after the last one", k);
    OK(&t, rs_csvpar_cut(text, len, 4, len, cuts) == 1 && cuts[1] == len - 3,
       "a least piece of the whole block: one piece");
    OK(&t, rs_csvpar_cut("abc", 3, 2, 1, cuts) == 0, "no line end: no piece");

    file_with(text);
    char out[64];
    int blocks;
    rs_err e;
    rs_in *in = rs_in_open(path, &e);
    const unsigned char *p;
    OK(&t, in && rs_in_peek(in, &p, 4, &e) == 4, "peeked at the start (as the sniffer does)");
    rs_csvsrc *src = rs_csvsrc_open(in, 5);
    OK(&t, rs_csvsrc_left(src) == len, "a regular file: mapped, %zu bytes left", len);
    size_t got = drain(src, out, &blocks);
    OK(&t, got == len && memcmp(out, text, len) == 0 && blocks > 3,
       "mapped in blocks of 5: every byte once, in order (%d blocks)", blocks);
    rs_csvsrc_close(src);
    rs_in_close(in);

    in = rs_in_open_mem("mem", text, len);
    src = rs_csvsrc_open(in, 5);
    OK(&t, rs_csvsrc_left(src) == 0, "a stream: size unknown");
    got = drain(src, out, &blocks);
    OK(&t, got == len && memcmp(out, text, len) == 0 && blocks > 3,
       "a stream in blocks of 5: every byte once, in order (%d blocks)", blocks);
    rs_csvsrc_close(src);
    rs_in_close(in);

    in = rs_in_open_mem("mem", "0123456789012345678\n", 20);
    src = rs_csvsrc_open(in, 4);
    got = drain(src, out, &blocks);
    OK(&t, got == 20 && blocks == 4, "a line longer than a block: blocks double until it fits "
       "(4, 8, 16, 32 bytes: %d blocks)", blocks);
    rs_csvsrc_close(src);
    rs_in_close(in);
    unlink(path);
    return tap_done(&t);
}
