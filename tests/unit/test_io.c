/* Unit tests of lib/common/io: line reading across buffer refills, zstd input,
 * peeking, and outputs that appear only when complete. */
#include <unistd.h>
#include <sys/stat.h>
#include <zstd.h>
#include "tap.h"
#include "common/io.h"

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(p, 1, n, f);
    fclose(f);
}

int main(void)
{
    tap t = {0};
    rs_err e;
    char dir[] = "/tmp/rs-test-io-XXXXXX", path[256], zpath[256];
    if (!mkdtemp(dir)) return 1;

    /* 300k lines crossing many buffer boundaries, with CRLF on every third. */
    size_t cap = 8u << 20, len = 0;
    char *text = malloc(cap);
    for (int k = 0; k < 300000; k++)
        len += (size_t)sprintf(text + len, "line %d%s", k, k % 3 == 0 ? "\r\n" : "\n");
    snprintf(path, sizeof path, "%s/a.txt", dir);
    write_file(path, text, len);
    size_t zcap = ZSTD_compressBound(len);
    char *z = malloc(zcap);
    size_t zlen = ZSTD_compress(z, zcap, text, len, 3);
    snprintf(zpath, sizeof zpath, "%s/a.txt.zst", dir);
    write_file(zpath, z, zlen);

    const char *paths[2] = { path, zpath };
    for (int w = 0; w < 2; w++) {
        rs_in *in = rs_in_open(paths[w], &e);
        OK(&t, in != NULL, "open %s", w ? "zstd" : "plain");
        char *line, want[64];
        size_t n;
        int good = 1, k = 0, rc;
        while ((rc = rs_in_getline(in, &line, &n, &e)) == 1) {
            snprintf(want, sizeof want, "line %d", k++);
            if (strcmp(line, want) != 0 || n != strlen(want)) { good = 0; break; }
        }
        OK(&t, rc == 0 && good && k == 300000, "%s: every line back, CR stripped (%d lines)",
           w ? "zstd" : "plain", k);
        OK(&t, rs_in_lineno(in) == 300000, "line count");
        rs_in_close(in);
    }

    /* A truncated zstd stream is an error, not a short read. */
    write_file(zpath, z, zlen / 2);
    rs_in *in = rs_in_open(zpath, &e);
    char *line; size_t n; int rc;
    while ((rc = rs_in_getline(in, &line, &n, &e)) == 1) {}
    OK(&t, rc == -1 && strstr(e.msg, "truncated"), "truncated zstd detected: %s", e.msg);
    rs_in_close(in);

    /* Last line without newline; NUL byte rejected. */
    write_file(path, "a\tb\nc\td", 7);
    in = rs_in_open(path, &e);
    rs_in_getline(in, &line, &n, &e);
    rc = rs_in_getline(in, &line, &n, &e);
    OK(&t, rc == 1 && strcmp(line, "c\td") == 0, "last line without newline");
    OK(&t, rs_in_getline(in, &line, &n, &e) == 0, "then end");
    rs_in_close(in);
    write_file(path, "a\0b\n", 4);
    in = rs_in_open(path, &e);
    OK(&t, rs_in_getline(in, &line, &n, &e) == -1 && strstr(e.msg, "NUL"), "NUL byte rejected");
    rs_in_close(in);

    /* Peek does not consume; read gets the same bytes. */
    write_file(path, "0123456789", 10);
    in = rs_in_open(path, &e);
    const unsigned char *p;
    OK(&t, rs_in_peek(in, &p, 4, &e) == 4 && memcmp(p, "0123", 4) == 0, "peek 4");
    char buf[16];
    OK(&t, rs_in_read(in, buf, 16, &e) == 10 && memcmp(buf, "0123456789", 10) == 0, "read after peek");
    rs_in_close(in);

    /* A stream over memory: plain (lines, peek, read) and zstd. */
    in = rs_in_open_mem("mem", "u\tv\r\nlast", 9);
    OK(&t, in && strcmp(rs_in_name(in), "mem") == 0, "memory stream named");
    OK(&t, rs_in_peek(in, &p, 64, &e) == 9, "memory: peek sees all");
    OK(&t, rs_in_getline(in, &line, &n, &e) == 1 && strcmp(line, "u\tv") == 0, "memory: line");
    OK(&t, rs_in_getline(in, &line, &n, &e) == 1 && strcmp(line, "last") == 0 &&
       rs_in_getline(in, &line, &n, &e) == 0, "memory: last line, then end");
    int fd;
    off_t from, to;
    OK(&t, !rs_in_region(in, &fd, &from, &to), "memory: not a region");
    rs_in_close(in);
    in = rs_in_open_mem("mem.zst", z, zlen);
    size_t got = 0;
    while ((rc = rs_in_getline(in, &line, &n, &e)) == 1) got++;
    OK(&t, rc == 0 && got == 300000, "memory, zstd: %zu lines", got);
    rs_in_close(in);
    in = rs_in_open_mem("half.zst", z, zlen / 2);
    while ((rc = rs_in_getline(in, &line, &n, &e)) == 1) {}
    OK(&t, rc == -1 && strstr(e.msg, "half.zst: truncated"), "memory, zstd cut: %s", e.msg);
    rs_in_close(in);
    in = rs_in_open_mem("empty", "", 0);
    OK(&t, rs_in_read(in, buf, 16, &e) == 0, "memory: empty");
    rs_in_close(in);

    OK(&t, rs_in_open("/nonexistent/x", &e) == NULL && strstr(e.msg, "/nonexistent/x"), "missing file named");
    OK(&t, rs_in_open(dir, &e) == NULL && strstr(e.msg, "directory"), "directory refused");

    /* rs_out: the file appears only on close; abort leaves nothing. */
    char out[256];
    snprintf(out, sizeof out, "%s/out.tsv", dir);
    rs_out *o = rs_out_open(out, 0, &e);
    fputs("hello\n", rs_out_file(o));
    OK(&t, access(out, F_OK) != 0, "not there before close");
    OK(&t, rs_out_close(o, &e) == 0 && access(out, F_OK) == 0, "there after close");
    unlink(out);
    o = rs_out_open(out, 0, &e);
    fputs("half\n", rs_out_file(o));
    rs_out_abort(o);
    OK(&t, access(out, F_OK) != 0, "abort leaves no file");
    char cmd[300];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp >/dev/null", dir);
    OK(&t, system(cmd) != 0, "and no temporary file");

    /* rs_put_*: integers as printf; reals in the shortest text that reads back. */
    char *mem; size_t memlen;
    FILE *f = open_memstream(&mem, &memlen);
    rs_put_u64(f, 0); fputc(' ', f);
    rs_put_i64(f, -1234567890123LL); fputc(' ', f);
    rs_put_g(f, 4.5); fputc(' ', f);
    rs_put_g(f, -3); fputc(' ', f);
    rs_put_g(f, 0.1); fputc(' ', f);
    rs_put_g(f, 3.6666666); fputc(' ', f);
    rs_put_g(f, 1234567.3); fputc(' ', f);
    rs_put_f32(f, 0.1f); fputc(' ', f);
    rs_put_f32(f, 2.0f / 3);
    fclose(f);
    OK(&t, strcmp(mem, "0 -1234567890123 4.5 -3 0.1 3.6666666 1234567.3 0.1 0.6666667") == 0,
       "put formats: '%s'", mem);
    free(mem);

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
    free(text); free(z);
    return tap_done(&t);
}
