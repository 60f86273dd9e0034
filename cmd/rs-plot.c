/* rs-plot: a picture of a TSV table (rs-eval's report, rs-search's trials,
 * rs-svd's --curve) drawn by gnuplot; the gnuplot script (lib/eval/plot.h)
 * and the table are kept beside the picture. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli/cli.h"
#include "common/err.h"
#include "common/io.h"
#include "eval/plot.h"

static const char usage[] =
"Usage: rs-plot -o PICTURE [OPTION]... [FILE]\n"
"Draw the TSV table in FILE (a header line, then rows; with no FILE, or when\n"
"FILE is -, standard input) with gnuplot into PICTURE (.svg or .png), and\n"
"keep beside it the numbers (PICTURE's name with .tsv) and the gnuplot\n"
"script (.gp) that draws them again.\n"
"\n"
"  -o, --output FILE      the picture: NAME.svg or NAME.png (required)\n"
"  -x, --x COL            the column along x (default: the first)\n"
"  -y, --y COL[,COL...]   the columns to draw (default: every numeric column\n"
"                         but x and --by)\n"
"      --by COL           one line (or bar) per value of COL, e.g. model\n"
"      --kind NAME        lines (default), points, or bars (x as categories)\n"
"      --logx, --logy     logarithmic axis\n"
"      --title TEXT       the title\n"
"      --xlabel TEXT      the x axis label (default: the x column's name)\n"
"      --ylabel TEXT      the y axis label (default: the y column's name)\n"
"      --size W,H         pixels (default 800,480)\n"
"      --script           write the gnuplot script to standard output only\n"
"                         (no gnuplot run, nothing written beside)\n"
"  -h, --help             show this help and exit\n"
"  -V, --version          show the version and exit\n"
"\n"
"Examples:\n"
"  rs-svd -k 10 train.rsm | rs-recommend -n 20 | rs-eval -t test.tsv -k 1,5,10,20 \\\n"
"      | rs-plot -x k -y ndcg,hitrate,map --title 'SVD, k=10' -o at-k.svg\n"
"  rs-svd -a funk -k 20 --epochs 60 --reg 0.1 --validate test.tsv --curve curve.tsv \\\n"
"      train.rsm > funk.rsm && rs-plot -x epoch -o curve.svg curve.tsv\n"
"  rs-svd -k 10 train.rsm | rs-recommend -n 10 | rs-eval -t test.tsv -k 5,10 \\\n"
"      | rs-plot -x k -y ndcg,map --kind bars --script > bars.gp\n"
"\n"
"Exit status: 0 success, 1 bad data or gnuplot failing, 2 bad usage.\n";

enum { OPT_BY = 256, OPT_KIND, OPT_LOGX, OPT_LOGY, OPT_TITLE, OPT_XLABEL, OPT_YLABEL, OPT_SIZE,
       OPT_SCRIPT };

static const char *ext(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    return dot && (!slash || dot > slash) ? dot : "";
}

/* PICTURE with its extension replaced by x. */
static char *beside(const char *pic, const char *x)
{
    size_t n = strlen(pic) - strlen(ext(pic));
    char *s = rs_xmalloc(n + strlen(x) + 1);
    memcpy(s, pic, n);
    strcpy(s + n, x);
    return s;
}

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void write_table(const char *path, const rs_table *t)
{
    rs_err e = { 0 };
    rs_out *o = rs_out_open(path, 0, &e);
    if (!o) rs_die_err(&e);
    FILE *f = rs_out_file(o);
    for (int c = 0; c < t->ncols; c++) fprintf(f, "%s%s", c ? "\t" : "", t->head[c]);
    fputc('\n', f);
    for (size_t r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++)
            fprintf(f, "%s%s", t->cell[r * (size_t)t->ncols + (size_t)c], c + 1 < t->ncols ? "\t" : "\n");
    if (rs_out_close(o, &e) < 0) rs_die_err(&e);
}

static void run_gnuplot(const char *script, const char *pic)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) rs_die(RS_EDATA, "cannot start gnuplot: %s", strerror(errno));
    if (pid == 0) {
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        fprintf(stderr, "%s: cannot run gnuplot: %s (Debian: apt-get install gnuplot-nox)\n", rs_prog(),
                strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) rs_die(RS_EDATA, "waitpid: %s", strerror(errno));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        unlink(pic);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 127) exit(RS_EDATA);
        rs_die(RS_EDATA, "gnuplot failed on %s; %s not made", script, pic);
    }
    struct stat sb;
    if (stat(pic, &sb) < 0 || sb.st_size == 0) rs_die(RS_EDATA, "gnuplot made no %s", pic);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "x", required_argument, NULL, 'x' },
        { "y", required_argument, NULL, 'y' },
        { "by", required_argument, NULL, OPT_BY },
        { "kind", required_argument, NULL, OPT_KIND },
        { "logx", no_argument, NULL, OPT_LOGX },
        { "logy", no_argument, NULL, OPT_LOGY },
        { "title", required_argument, NULL, OPT_TITLE },
        { "xlabel", required_argument, NULL, OPT_XLABEL },
        { "ylabel", required_argument, NULL, OPT_YLABEL },
        { "size", required_argument, NULL, OPT_SIZE },
        { "script", no_argument, NULL, OPT_SCRIPT },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    rs_plot_opts po = { 0 };
    po.width = 800;
    po.height = 480;
    const char *ys = NULL;
    int c, script_only = 0;
    while ((c = rs_getopt(argc, argv, "o:x:y:hV", longopts)) != -1) {
        switch (c) {
        case 'o': po.output = optarg; break;
        case 'x': po.x = optarg; break;
        case 'y': ys = optarg; break;
        case OPT_BY: po.by = optarg; break;
        case OPT_KIND:
            if (!strcmp(optarg, "lines")) po.kind = RS_PLOT_LINES;
            else if (!strcmp(optarg, "points")) po.kind = RS_PLOT_POINTS;
            else if (!strcmp(optarg, "bars")) po.kind = RS_PLOT_BARS;
            else rs_usage_error("--kind: '%s' is not one of lines, points, bars", optarg);
            break;
        case OPT_LOGX: po.logx = 1; break;
        case OPT_LOGY: po.logy = 1; break;
        case OPT_TITLE: po.title = optarg; break;
        case OPT_XLABEL: po.xlabel = optarg; break;
        case OPT_YLABEL: po.ylabel = optarg; break;
        case OPT_SIZE: {
            int64_t wh[2];
            if (rs_opt_int_list("--size", optarg, 16, 10000, wh, 2) != 2)
                rs_usage_error("--size: '%s' is not W,H", optarg);
            po.width = (int)wh[0];
            po.height = (int)wh[1];
            break;
        }
        case OPT_SCRIPT: script_only = 1; break;
        case 'h': rs_help(usage);
        case 'V': rs_version();
        default: return RS_EUSAGE;
        }
    }
    if (argc - optind > 1) rs_usage_error("one table at most, not %d", argc - optind);
    const char *input = optind < argc ? argv[optind] : NULL;
    if (input && !strcmp(input, "-")) input = NULL;
    if (!po.output && !script_only) rs_usage_error("give the picture with -o NAME.svg or -o NAME.png");
    if (!po.output) po.output = "plot.svg";
    const char *x = ext(po.output);
    if (!strcmp(x, ".svg")) po.terminal = "svg";
    else if (!strcmp(x, ".png")) po.terminal = "pngcairo";
    else rs_usage_error("-o %s: the picture's name must end in .svg or .png", po.output);
    /* -y a,b,c: the names, split in place. */
    char *ylist = ys ? rs_xstrdup(ys) : NULL;
    const char *ynames[64];
    if (ylist) {
        char *save = NULL;
        for (char *t = strtok_r(ylist, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (po.ny == 64) rs_usage_error("-y: 64 columns at most");
            ynames[po.ny++] = t;
        }
        po.y = ynames;
    }
    if (!input && isatty(0))
        rs_usage_error("reading a table from the terminal; give it as FILE or through a pipe");
    FILE *in = input ? fopen(input, "r") : stdin;
    if (!in) rs_die(RS_EDATA, "%s: %s", input, strerror(errno));
    rs_table t;
    rs_err e = { 0 };
    if (rs_table_read(in, input ? input : "(stdin)", &t, &e) < 0) rs_die_err(&e);
    if (input) fclose(in);
    if (script_only) {
        if (rs_plot_script(stdout, &t, &po, &e) < 0) {
            if (e.code == RS_EUSAGE) rs_usage_error("%s", e.msg);
            rs_die_err(&e);
        }
        if (fflush(stdout) == EOF) rs_die(RS_EDATA, "(stdout): write error: %s", strerror(errno));
        rs_table_free(&t);
        free(ylist);
        return 0;
    }
    char *gp = beside(po.output, ".gp"), *tsv = beside(po.output, ".tsv");
    rs_out *so = rs_out_open(gp, 0, &e);
    if (!so) rs_die_err(&e);
    if (rs_plot_script(rs_out_file(so), &t, &po, &e) < 0) {
        rs_out_abort(so);
        if (e.code == RS_EUSAGE) rs_usage_error("%s", e.msg);
        rs_die_err(&e);
    }
    if (rs_out_close(so, &e) < 0) rs_die_err(&e);
    /* The numbers beside the picture, unless they are already there. */
    if (!same_file(input, tsv)) write_table(tsv, &t);
    run_gnuplot(gp, po.output);
    rs_table_free(&t);
    free(ylist);
    free(gp);
    free(tsv);
    return 0;
}
