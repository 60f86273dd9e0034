/* Unit tests of lib/prep/ratingfile_par: cutting a file at line ends, and parsing the
 * spans in parallel with a wrong cut (inside a quoted field) detected. */
#include <csv.h>
#include <fcntl.h>
#include <unistd.h>
#include "tap.h"
#include "prep/ratingfile_par.h"

typedef struct counter { long fields, rows, bad; } counter;

static void on_field(void *s, size_t n, void *ctx)
{
    counter *c = ctx;
    c->fields++;
    if (n == 3 && memcmp(s, "bad", 3) == 0) c->bad = 1;
}
static void on_row(int ch, void *ctx) { (void)ch; ((counter *)ctx)->rows++; }
static int failed(void *ctx) { return (int)((counter *)ctx)->bad; }

static int file_with(const char *text)
{
    char path[] = "/tmp/rs-test-csvpar-XXXXXX";
    int fd = mkstemp(path);
    if (write(fd, text, strlen(text)) < 0) return -1;
    unlink(path);
    return fd;
}

/* Parse with the given cuts; rows and fields summed over the spans. */
static int run(int fd, const off_t *cuts, int n, counter *sum)
{
    counter c[8] = { { 0, 0, 0 } };
    void *ctx[8];
    for (int k = 0; k < n; k++) ctx[k] = &c[k];
    rs_csvpar cfg = { fd, CSV_STRICT | CSV_STRICT_FINI, ',', on_field, on_row, failed, NULL, 0, 0 };
    int rc = rs_csvpar_run(&cfg, n, cuts, ctx, 1);
    *sum = (counter){ 0, 0, 0 };
    for (int k = 0; k < n; k++) { sum->fields += c[k].fields; sum->rows += c[k].rows; }
    return rc;
}

int main(void)
{
    tap t = { 0 };
    const char *text = "a,b\nc,d\n\"x\ny\",e\nf,g\nh,i";    /* 5 records, no final line end */
    off_t len = (off_t)strlen(text);
    int fd = file_with(text);

    OK(&t, rs_csvpar_line_end(fd, 0, len) == 4, "line end after 'a,b\\n' is offset 4");
    OK(&t, rs_csvpar_line_end(fd, 4, len) == 8, "a line end right at 'at' does not count twice");
    OK(&t, rs_csvpar_line_end(fd, 20, len) == len, "no line end after the last: the end");

    off_t cuts[9];
    int k = rs_csvpar_cut(fd, 0, len, 4, 1, cuts);
    int good = k >= 1 && k <= 4 && cuts[0] == 0 && cuts[k] == len;
    for (int j = 1; j < k && good; j++) good = cuts[j] > cuts[j - 1] && text[cuts[j] - 1] == '\n';
    OK(&t, good, "4 cuts: %d spans, increasing, each after a line end", k);
    OK(&t, rs_csvpar_cut(fd, 0, len, 4, len, cuts) == 1 && cuts[1] == len,
       "a minimum span of the whole file: one span");

    counter s;
    off_t whole[2] = { 0, len };
    OK(&t, run(fd, whole, 1, &s) == 0 && s.rows == 5 && s.fields == 10,
       "one span: 5 rows, 10 fields (the last line ended by csv_fini)");
    off_t at_rows[4] = { 0, 8, 20, len };     /* before "\"x" and before "h,i" */
    OK(&t, run(fd, at_rows, 3, &s) == 0 && s.rows == 5 && s.fields == 10,
       "cuts at record starts: the same counts");
    off_t inside[3] = { 0, 11, len };         /* after "\"x\n": inside the quotes */
    OK(&t, run(fd, inside, 2, &s) == -1, "a cut inside a quoted field is detected");
    close(fd);

    fd = file_with("a,b\nc,bad\nd,e\n");
    off_t two[3] = { 0, 4, 14 };
    OK(&t, run(fd, two, 2, &s) == -1, "a span whose callbacks fail fails the run");
    close(fd);
    return tap_done(&t);
}
