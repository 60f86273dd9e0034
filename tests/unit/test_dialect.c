/* Unit tests of lib/dialect: the civil-date arithmetic against libc's
 * timegm, date-time parsing, dialect sniffing, and reading each dialect. */
#include <time.h>
#include <unistd.h>
#include "tap.h"
#include "dialect.h"
#include "rng.h"

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
    return tap_done(&t);
}
