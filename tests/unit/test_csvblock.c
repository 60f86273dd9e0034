/* The block parser of lib/prep/ratingfile.c against the reference reading
 * (libcsv alone, one thread): thousands of random files made of what rating
 * files hold and what breaks them -- quoted fields with separators, quotes
 * and line breaks, CRLF and lone CR, a byte order mark, blanks around
 * fields, blank and comment lines, no final line end, ragged rows, bad
 * numbers and ids, date-times -- each read in one thread and in three with
 * pieces of a few bytes from a file and from a pipe (tests/unit/csvdiff.h).
 * The first difference is printed with its input. */
#include <fcntl.h>
#include "tap.h"
#include "csvdiff.h"
#include "common/rng.h"

typedef struct buf { char *s; size_t n, cap; } buf;

static void put(buf *b, const char *s)
{
    size_t k = strlen(s);
    if (b->n + k + 1 > b->cap) {
        b->cap = (b->n + k + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, s, k + 1);
    b->n += k;
}

static const char *pick(rs_rng *r, const char *const *v, size_t n) { return v[rs_rng_below(r, n)]; }
#define PICK(r, v) pick(r, v, sizeof v / sizeof v[0])

/* One field of a role: mostly good values, sometimes odd or bad ones. */
static void field(rs_rng *r, buf *b, int role, char sep, unsigned rare)
{
    static const char *const ids[] = { "1", "2", "17", "303", "u7", "x", "10", "42", "007" };
    static const char *const odd_ids[] = { "\"5\"", "\"a,b\"", "\"a\"\"b\"", " 3", "4 ", "\"m\nn\"",
                                          "", "#1", "\"\"", "\"q", "a\"b", "\"1\"x" };
    static const char *const ratings[] = { "4", "3.5", "0.5", "5.0", "1", "2.25" };
    static const char *const odd_ratings[] = { "x", "", "1e40", "\"4\"", " 4 ", "nan", "-0", "4.", ".5" };
    static const char *const times[] = { "964982703", "0", "1112486027", "-5" };
    static const char *const odd_times[] = { "2005-04-02 23:53:47", "\"2005-04-02 23:53:47\"",
                                            "12x", "99999999999999999999", "2005-13-02 00:00:00" };
    static const char *const titles[] = { "Toy Story", "\"Heat, 1995\"", "\"a\nb\"", "\"say \"\"hi\"\"\"",
                                         "plain", "\"\"", "\"x\r\ny\"" };
    int odd = rare && rs_rng_below(r, rare) == 0;
    char one[2] = { sep, 0 };
    switch (role) {
    case 0: case 1: put(b, odd ? PICK(r, odd_ids) : PICK(r, ids)); break;
    case 2: put(b, odd ? PICK(r, odd_ratings) : PICK(r, ratings)); break;
    case 3: put(b, odd ? PICK(r, odd_times) : PICK(r, times)); break;
    default: put(b, PICK(r, titles)); break;
    }
    if (odd && rs_rng_below(r, 4) == 0) put(b, one);    /* an extra field: ragged */
}

static char *make(rs_rng *r, size_t *n, char *sep_out)
{
    static const char seps[] = { ',', '\t', ';' };
    static const char *const eols[] = { "\n", "\n", "\n", "\r\n", "\r" };
    char sep = seps[rs_rng_below(r, 3)];
    *sep_out = sep;
    int title = rs_rng_below(r, 3) == 0 && sep != '\t', ncol = title ? 5 : 2 + (int)rs_rng_below(r, 3);
    int role[5] = { 0, 1, 2, 3, 4 };
    if (title) { role[2] = 4; role[3] = 2; role[4] = 3; }
    buf b = { 0 };
    char one[2] = { sep, 0 };
    if (rs_rng_below(r, 6) == 0) put(&b, "\xef\xbb\xbf");
    if (sep != '\t' && rs_rng_below(r, 2)) {
        static const char *const names[] = { "userId", "movieId", "rating", "timestamp" };
        for (int k = 0; k < ncol; k++) {
            if (k) put(&b, one);
            put(&b, role[k] == 4 ? "title" : names[role[k]]);
        }
        put(&b, "\n");
    }
    int lines = 1 + (int)rs_rng_below(r, 60);
    /* How often a field is odd: never in a third of the files. */
    unsigned rare = rs_rng_below(r, 3) == 0 ? 0 : 10 + (unsigned)rs_rng_below(r, 400);
    const char *eol = rs_rng_below(r, 4) == 0 ? PICK(r, eols) : "\n";
    for (int l = 0; l < lines; l++) {
        unsigned kind = (unsigned)rs_rng_below(r, 50);
        if (kind == 0) put(&b, "");                     /* blank line */
        else if (kind == 1) put(&b, "# a comment, with \"quotes\"");
        else if (kind == 2 && rare) put(&b, "  ");
        else
            for (int k = 0; k < ncol; k++) {
                if (k) put(&b, one);
                field(r, &b, role[k], sep, rare);
            }
        if (l < lines - 1 || rs_rng_below(r, 3)) put(&b, rs_rng_below(r, 30) ? eol : PICK(r, eols));
    }
    *n = b.n;
    return b.s;
}

int main(void)
{
    tap t = { 0 };
    rs_rng r;
    rs_rng_seed(&r, 19);
    char path[] = "/tmp/rs-test-csvblock-XXXXXX";
    int fd = mkstemp(path);
    int runs = 3000, bad = 0, errors = 0;
    char why[1200] = "";
    for (int k = 0; k < runs && !bad; k++) {
        size_t n;
        char sep;
        char *text = make(&r, &n, &sep);
        if (ftruncate(fd, 0) != 0 || pwrite(fd, text, n, 0) != (ssize_t)n) return 1;
        rs_dialect d;
        rs_dialect_init(&d);
        rs_err e;
        if (rs_rng_below(&r, 2)) {          /* the dialect given, or sniffed */
            char s[2] = { sep, 0 };
            rs_dialect_set_sep(&d, sep == '\t' ? "tab" : s, &e);
        }
        size_t span = 1 + rs_rng_below(&r, 40);
        if (csvdiff_run(path, text, n, d, span, why, sizeof why) < 0) {
            bad = 1;
            printf("# input %d (span %zu): '", k, span);
            for (size_t j = 0; j < n; j++)
                printf(text[j] == '\n' ? "\\n" : text[j] == '\r' ? "\\r" : text[j] == '\t' ? "\\t" : "%c",
                       text[j]);
            printf("'\n");
        }
        /* How many inputs were errors: both kinds must be well represented. */
        rs_ratings rt;
        rs_ratings_init(&rt);
        rs_in *in = rs_in_open_mem(path, text, n);
        errors += rs_dialect_read(in, &d, &rt, NULL, NULL, &e) < 0;
        rs_in_close(in);
        rs_ratings_free(&rt);
        free(text);
    }
    close(fd);
    unlink(path);
    OK(&t, !bad, "%d random files: block parser = libcsv alone, in 1 and 3 threads, file and pipe%s%s",
       runs, bad ? ": " : "", why);
    OK(&t, errors > runs / 10 && errors < runs * 9 / 10, "%d of them are errors, the others tables",
       errors);
    return tap_done(&t);
}
