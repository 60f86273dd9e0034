/* Unit tests of lib/prep/ratingfile: the civil-date arithmetic against libc's
 * timegm, date-time parsing, dialect sniffing, and reading each dialect. */
#include <time.h>
#include <unistd.h>
#include "tap.h"
#include "prep/ratingfile.h"
#include "common/rng.h"

static void sniff(const char *text, const rs_dialect *want, rs_dialect *got)
{
    rs_dialect_sniff(text, strlen(text), 1, want, got);
}

static int read_str(const char *text, const rs_dialect *d, rs_ratings *rt, rs_err *e)
{
    char path[] = "/tmp/rs-test-dialect-XXXXXX";
    int fd = mkstemp(path);
    if (write(fd, text, strlen(text)) < 0) return -2;
    close(fd);
    rs_in *in = rs_in_open(path, e);
    int rc = rs_dialect_read(in, d, rt, NULL, NULL, e);
    rs_in_close(in);
    unlink(path);
    return rc;
}

static int fails_with(const char *text, const char *needle, rs_err *e)
{
    rs_dialect d;
    rs_dialect_init(&d);
    rs_ratings rt;
    rs_ratings_init(&rt);
    int rc = read_str(text, &d, &rt, e);
    rs_ratings_free(&rt);
    if (rc == -1 && strstr(e->msg, needle)) return 1;
    printf("#   got rc %d: %s\n", rc, rc ? e->msg : "");
    return 0;
}

/* Read text with jobs threads taking spans of at least span_min bytes. */
static int read_jobs(const char *text, int jobs, size_t span_min, rs_ratings *rt,
                     rs_dialect_info *info, rs_err *e)
{
    char path[] = "/tmp/rs-test-dialect-XXXXXX";
    int fd = mkstemp(path);
    if (write(fd, text, strlen(text)) < 0) return -2;
    close(fd);
    rs_dialect d;
    rs_dialect_init(&d);
    d.jobs = jobs;
    d.span_min = span_min;
    rs_ratings_init(rt);
    rs_in *in = rs_in_open(path, e);
    int rc = rs_dialect_read(in, &d, rt, info, NULL, e);
    rs_in_close(in);
    unlink(path);
    return rc;
}

static int same_table(const rs_ratings *a, const rs_ratings *b)
{
    if (a->n != b->n || !a->r != !b->r || !a->t != !b->t) return 0;
    if (rs_idmap_size(a->users) != rs_idmap_size(b->users) ||
        rs_idmap_size(a->items) != rs_idmap_size(b->items))
        return 0;
    for (uint32_t k = 0; k < rs_idmap_size(a->users); k++)
        if (strcmp(rs_idmap_str(a->users, k), rs_idmap_str(b->users, k))) return 0;
    for (uint32_t k = 0; k < rs_idmap_size(a->items); k++)
        if (strcmp(rs_idmap_str(a->items, k), rs_idmap_str(b->items, k))) return 0;
    for (size_t k = 0; k < a->n; k++)
        if (a->u[k] != b->u[k] || a->i[k] != b->i[k] || (a->r && a->r[k] != b->r[k]) ||
            (a->t && a->t[k] != b->t[k]))
            return 0;
    return 1;
}

/* One thread and eight must give the same table (or the same error);
 * returns the threads the eight-thread reading used, or -1. */
static int par_same(const char *text, rs_err *e)
{
    rs_ratings one, many;
    rs_dialect_info i1, i8;
    rs_err e1 = { 0 };
    int rc1 = read_jobs(text, 1, 64, &one, &i1, &e1);
    int rc8 = read_jobs(text, 8, 64, &many, &i8, e);
    /* Messages start with the temporary file's name, which differs. */
    int ok = rc1 == rc8 && (rc1 < 0 ? strcmp(strchr(e1.msg, ':'), strchr(e->msg, ':')) == 0
                                   : same_table(&one, &many) && i1.lines == i8.lines &&
                                     i1.rows == i8.rows);
    if (!ok) printf("#   rc %d/%d: '%s' / '%s'\n", rc1, rc8, rc1 ? e1.msg : "", rc8 ? e->msg : "");
    rs_ratings_free(&one);
    rs_ratings_free(&many);
    return ok ? (rc8 < 0 ? 0 : i8.threads) : -1;
}

/* A CSV of n rows with string and number ids, a quoted title field and
 * comments and blank lines here and there; eol "\n" or "\r\n". */
static char *make_csv(int n, const char *eol, unsigned seed)
{
    size_t cap = (size_t)n * 80 + 256, len = 0;
    char *s = malloc(cap);
    rs_rng rng;
    rs_rng_seed(&rng, seed);
    len += (size_t)sprintf(s + len, "userId,movieId,title,rating,timestamp%s", eol);
    for (int k = 0; k < n; k++) {
        unsigned u = (unsigned)rs_rng_below(&rng, 50), i = (unsigned)rs_rng_below(&rng, 300);
        if (k % 97 == 5) len += (size_t)sprintf(s + len, "# a comment, k=%d%s", k, eol);
        if (k % 89 == 7) len += (size_t)sprintf(s + len, "%s", eol);
        len += (size_t)sprintf(s + len, "%s%u,%u,\"Title, %u\",%u.5,%u%s", u % 2 ? "u" : "",
                               u, i, i, (unsigned)rs_rng_below(&rng, 5), 1000000 + k, eol);
    }
    return s;
}

int main(void)
{
    tap t = { 0 };
    rs_err e;

    /* Days from civil dates: fixed points, then timegm over random instants. */
    OK(&t, rs_days_from_civil(1970, 1, 1) == 0, "1970-01-01 is day 0");
    OK(&t, rs_days_from_civil(1969, 12, 31) == -1, "1969-12-31 is day -1");
    OK(&t, rs_days_from_civil(2000, 3, 1) == 11017, "2000-03-01 is day 11017");
    OK(&t, rs_days_from_civil(2000, 2, 29) == 11016, "2000 is a leap year");
    OK(&t, rs_days_from_civil(1900, 3, 1) - rs_days_from_civil(1900, 2, 28) == 1,
       "1900 is not a leap year");
    OK(&t, rs_days_from_civil(1600, 1, 1) == -135140, "1600-01-01 (an era boundary, before 1970)");
    rs_rng rng;
    rs_rng_seed(&rng, 42);
    int agree = 1;
    for (int k = 0; k < 100000 && agree; k++) {
        int64_t secs = (int64_t)rs_rng_below(&rng, 300ull * 365 * 86400) - 100ll * 365 * 86400;
        time_t tt = (time_t)secs;
        struct tm tm;
        gmtime_r(&tt, &tm);
        char buf[32];
        strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
        int64_t got;
        if (rs_parse_datetime(buf, strlen(buf), &got) != 0 || got != secs || timegm(&tm) != tt) {
            printf("#   %s: got %lld, want %lld\n", buf, (long long)got, (long long)secs);
            agree = 0;
        }
    }
    OK(&t, agree, "100000 random date-times from 1870 to 2170 agree with gmtime/timegm");

    int64_t v;
    OK(&t, rs_parse_datetime("2005-04-02 23:53:47", 19, &v) == 0 && v == 1112486027,
       "Kaggle ml-20m date-time");
    OK(&t, rs_parse_datetime("2005-04-02T23:53:47Z", 20, &v) == 0 && v == 1112486027, "ISO 8601 with T and Z");
    OK(&t, rs_parse_datetime("2005-04-02", 10, &v) == 0 && v == 1112400000, "a date alone is midnight");
    OK(&t, rs_parse_datetime("2005-04-02 23:53", 16, &v) == 0 && v == 1112485980, "no seconds");
    const char *bad[] = { "2001-02-29 00:00:00", "1900-02-29", "2005-13-01", "2005-00-10",
                          "2005-04-31", "2005-04-02 24:00:00", "2005-04-02 23:60:00",
                          "2005-04-02 23:59:60", "2005-4-2", "05-04-02", "2005/04/02",
                          "2005-04-02 23:53:4", "2005-04-02x23:53:47", "" };
    int rejected = 1;
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        if (rs_parse_datetime(bad[k], strlen(bad[k]), &v) == 0) {
            printf("#   accepted '%s'\n", bad[k]);
            rejected = 0;
        }
    OK(&t, rejected, "impossible or malformed date-times are rejected");

    /* Sniffing. */
    rs_dialect d, g;
    rs_dialect_init(&d);
    sniff("userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.0,964981247\n", &d, &g);
    OK(&t, g.format == RS_FMT_CSV && g.sep == ',' && g.header == 1, "ratings.csv: csv, ',', header");
    sniff("196\t242\t3\t881250949\n186\t302\t3\t891717742\n", &d, &g);
    OK(&t, g.format == RS_FMT_TSV && g.sep == '\t' && g.header == 0, "u.data: tsv, no header");
    sniff("1::1193::5::978300760\r\n1::661::3::978302109\r\n", &d, &g);
    OK(&t, g.format == RS_FMT_DAT && g.header == 0, "ratings.dat: dat, no header");
    sniff("user;item;rating\n1;2;3,5\n4;5;2\n", &d, &g);
    OK(&t, g.format == RS_FMT_CSV && g.sep == ';' && g.header == 1, "semicolon CSV with decimal commas");
    sniff("1,\"Toy Story, The (1995)\",u1,4\n2,\"Heat; \"\"1995\"\"\",u2,3\n", &d, &g);
    OK(&t, g.format == RS_FMT_CSV && g.sep == ',' && g.header == 0,
       "quoted commas and semicolons do not confuse the separator");
    sniff("a|b|c\nd|e|f\n", &d, &g);
    OK(&t, g.sep == '|' && g.header == 0, "pipes; all-text rows are not a header");
    sniff("who,what,stars\nalice,x,4\n", &d, &g);
    OK(&t, g.header == 1, "unknown names over numbers: a header");
    sniff("alice,x,4\nbob,y,5\n", &d, &g);
    OK(&t, g.header == 0, "numbers under numbers: no header");
    sniff("# a comment\nuser_id,item_id\nu,i\n", &d, &g);
    OK(&t, g.header == 1, "comments skipped; user_id/item_id are known names");
    rs_dialect_set_format(&d, "tsv", &e);
    sniff("1,2\t3\n", &d, &g);
    OK(&t, g.format == RS_FMT_TSV && g.sep == '\t', "--format tsv is kept whatever the data");
    rs_dialect_init(&d);
    rs_dialect_set_sep(&d, ":", &e);
    sniff("1:2:3\n", &d, &g);
    OK(&t, g.format == RS_FMT_CSV && g.sep == ':', "--sep with a character sniffing does not try");
    rs_dialect_init(&d);
    d.header = 1;
    sniff("1,2\n3,4\n", &d, &g);
    OK(&t, g.header == 1, "--header is kept");

    /* Option parsing. */
    rs_dialect_init(&d);
    OK(&t, rs_dialect_set_columns(&d, "userId,2,,4", &e) == 0 && d.columns_given &&
       strcmp(d.colname[0], "userId") == 0 && d.colnum[1] == 2 && !d.colnum[2] &&
       !d.colname[2][0] && d.colnum[3] == 4, "--columns mixes names, numbers and gaps");
    OK(&t, rs_dialect_set_columns(&d, ",2", &e) < 0 && e.code == RS_EUSAGE, "the user cannot be left out");
    OK(&t, rs_dialect_set_columns(&d, "1,2,3,4,5", &e) < 0, "at most 4 columns");
    OK(&t, rs_dialect_set_sep(&d, "tab", &e) == 0 && d.sep == '\t' && d.format == RS_FMT_TSV, "--sep tab");
    OK(&t, rs_dialect_set_sep(&d, "::", &e) == 0 && d.format == RS_FMT_DAT, "--sep ::");
    OK(&t, rs_dialect_set_sep(&d, "\"", &e) < 0, "a quote cannot separate");

    /* Reading. */
    rs_ratings rt;
    rs_ratings_init(&rt);
    rs_dialect_init(&d);
    int rc = read_str("userId,movieId,rating,timestamp\n1,10,4.0,100\n2,20,3.5,2005-04-02 23:53:47\n"
                      "1,\"the, item\",0.5,-5\n", &d, &rt, &e);
    OK(&t, rc == 0 && rt.n == 3 && rt.r && rt.t, "csv read: 3 rows with ratings and times");
    OK(&t, rc == 0 && rt.r[1] == 3.5 && rt.t[1] == 1112486027 && rt.t[2] == -5 && rt.r[2] == 0.5,
       "values parsed (date-time converted)");
    OK(&t, rc == 0 && strcmp(rs_idmap_str(rt.items, rt.i[2]), "the, item") == 0, "quoted id kept whole");
    rc = read_str("3::30::5::300\n", &d, &rt, &e);
    OK(&t, rc == 0 && rt.n == 4 && rt.u[3] == 2, "a second input appends, sharing id maps");
    rc = read_str("3\t30\n", &d, &rt, &e);
    OK(&t, rc < 0 && strstr(e.msg, "lacks a rating column"), "a later input must have the same columns");
    rs_ratings_free(&rt);

    rs_ratings_init(&rt);
    rc = read_str("0.1,007,0.30000000000000004,1000\n2,3,1e1,1\n", &d, &rt, &e);
    OK(&t, rc == 0, "slow-path numbers read");
    OK(&t, rc == 0 && rt.r[0] == 0.30000000000000004 && rt.r[1] == 10 &&
       strcmp(rs_idmap_str(rt.items, 0), "007") == 0,
       "ratings past 15 digits or with exponents exact; '007' stays a token");
    rs_ratings_free(&rt);
    OK(&t, fails_with("1,2,1e3\n1,2,x\n", "line 2, field 3 (rating): not a number: 'x'", &e), "bad rating");
    OK(&t, fails_with("1,2,3,1e3\n", "line 1, field 4 (timestamp): not a Unix timestamp", &e), "bad time");
    OK(&t, fails_with("1,2,3\n1,,3\n", "line 2, field 2 (item): empty id", &e), "empty id");
    OK(&t, fails_with("u,i,r\n1,\"a\tb\",3\n", "line 2, field 2 (item): id holds a TAB", &e), "tab in id");
    OK(&t, fails_with("", "empty input", &e), "empty input");
    OK(&t, fails_with("\n\n# only a comment\n", "no data rows", &e), "only blank and comment lines");
    OK(&t, fails_with("1\n", "line 1: missing column: no field 2 (the item)", &e), "one column");

    /* Parallel reading (d.jobs): the same table as one thread, ids in the
     * same first-seen order; a cut inside a quoted field or bad data make
     * that block fall back to one thread, with the error of one thread. */
    char *csv = make_csv(3000, "\n", 7);
    OK(&t, par_same(csv, &e) == 8, "CSV with header, comments, blank lines: 8 threads, same table");
    free(csv);
    csv = make_csv(3000, "\r\n", 8);
    OK(&t, par_same(csv, &e) == 8, "CRLF line ends: 8 threads, same table");
    csv[strlen(csv) - 2] = '\0';
    OK(&t, par_same(csv, &e) == 8, "no line end after the last row: same table");
    free(csv);
    {
        char *tsv = malloc(3000 * 40), *p = tsv;
        for (int k = 0; k < 3000; k++) p += sprintf(p, "%d\t%d\t%d\t%d\n", k % 71, k % 313, k % 5 + 1, k);
        OK(&t, par_same(tsv, &e) == 8, "u.data-style TSV without header: 8 threads, same table");
        free(tsv);
    }
    {
        /* A title holding many line breaks: some cut falls inside it. */
        char *big = make_csv(3000, "\n", 9);
        size_t half = strlen(big) / 2;
        while (big[half] != '\n') half++;
        size_t nl = 4000;
        char *q = malloc(strlen(big) + nl + 64), *p = q;
        memcpy(p, big, half + 1);
        p += half + 1;
        p += sprintf(p, "7,7,\"");
        memset(p, '\n', nl);
        p += nl;
        p += sprintf(p, "\",3,5\n");
        strcpy(p, big + half + 1);
        OK(&t, par_same(q, &e) > 0, "a cut inside a quoted field: that block read again by 1 thread, "
           "same table");
        free(q);
        free(big);
    }
    {
        /* Lines inside a quoted title that look like rows: a piece that
         * starts among them reads ids that are no ids; they must not
         * reach the table when a later block is read in pieces. */
        char *big = make_csv(3000, "\n", 11);
        size_t half = strlen(big) / 2;
        while (big[half] != '\n') half++;
        char *q = malloc(strlen(big) + 200 * 40 + 64), *p = q;
        memcpy(p, big, half + 1);
        p += half + 1;
        p += sprintf(p, "7,7,\"");
        for (int k = 0; k < 200; k++) p += sprintf(p, "\nu9%d,i9%d,x,1,1", k, k);
        p += sprintf(p, "\",3,5\n");
        strcpy(p, big + half + 1);
        OK(&t, par_same(q, &e) > 0, "rows inside a quoted field: no ids of theirs in the table");
        free(q);
        free(big);
    }
    {
        char *late = make_csv(3000, "\n", 10);
        char *at = strstr(late + strlen(late) * 3 / 4, ".5,");
        at[1] = 'x';
        OK(&t, par_same(late, &e) == 0 && strstr(e.msg, "field 4 (rating)"),
           "bad data late in the file: the one-thread error, line and field: %s", e.msg);
        free(late);
    }
    return tap_done(&t);
}
