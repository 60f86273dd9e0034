/* Unit tests of the SIGBUS handling of mapped inputs (common/io.c rs_map):
 * a child maps a file through the real readers (rs_bundle_load, the block
 * source of rs-filter), truncates it, touches a lost page; the parent sees
 * exit status 1, the message naming the file on stderr, and the child's
 * temporary output gone.  A SIGBUS outside a registered mapping (one
 * unmapped again, or one sent by kill) still kills the process. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"
#include "common/io.h"
#include "format/bundle.h"
#include "prep/ratingfile_par.h"

#define DATA (256u << 10)           /* a block of many pages */

static char dir[] = "/tmp/rs-test-sigbus-XXXXXX";
static char bundle_path[256], text_path[256], out_path[256];

/* ---- what the children do ---- */

static volatile const unsigned char *lost;    /* the byte to touch */
static volatile unsigned char sink;

static void *touch(void *arg)
{
    (void)arg;
    sink = *lost;
    return NULL;
}

/* A temporary output open, as a program has while it reads its inputs. */
static void open_output(void)
{
    rs_err e;
    rs_outset *s = rs_outset_new();
    rs_out *o = rs_outset_open(s, "-o", out_path, 0, &e);
    if (!o) _exit(3);
    fputs("half of it\n", rs_out_file(o));
    fflush(rs_out_file(o));
}

static void cut(const char *path)
{
    if (truncate(path, 0) != 0) _exit(4);
}

static void touch_on(int thread)
{
    if (!thread) {
        touch(NULL);
        return;
    }
    pthread_t th;
    if (pthread_create(&th, NULL, touch, NULL) != 0) _exit(5);
    pthread_join(th, NULL);
}

static rs_block *load(rs_bundle *b)
{
    rs_err e;
    if (rs_bundle_load(bundle_path, b, &e) < 0) _exit(6);
    rs_block *blk = rs_bundle_get(b, "data");
    if (!blk || blk->owned || !b->map) _exit(7);      /* not borrowed from the map */
    return blk;
}

static void bundle_child(int thread)
{
    open_output();
    rs_bundle b = { 0 };
    rs_block *blk = load(&b);
    lost = (const unsigned char *)blk->data + blk->size - 1;
    cut(bundle_path);
    touch_on(thread);
}

static void bundle_main(void) { bundle_child(0); }
static void bundle_thread(void) { bundle_child(1); }

static void csvsrc_child(int thread)
{
    open_output();
    rs_err e;
    rs_in *in = rs_in_open(text_path, &e);
    if (!in) _exit(6);
    rs_csvsrc *src = rs_csvsrc_open(in, 1u << 20);
    const char *buf;
    size_t n;
    int at_end;
    if (rs_csvsrc_left(src) == 0 || rs_csvsrc_next(src, &buf, &n, &at_end, &e) < 0 || n < DATA)
        _exit(7);                                      /* not mapped */
    lost = (const unsigned char *)buf + n - 1;
    cut(text_path);
    touch_on(thread);
}

static void csvsrc_main(void) { csvsrc_child(0); }
static void csvsrc_thread(void) { csvsrc_child(1); }

/* The handler is installed (a bundle was mapped), the bundle freed; the
 * same addresses mapped again by hand are not ours any more. */
static void unmapped_child(void)
{
    rs_bundle b = { 0 };
    load(&b);
    void *addr = b.map;
    size_t len = b.maplen;
    rs_bundle_free(&b);
    int fd = open(bundle_path, O_RDONLY);
    if (fd < 0 || mmap(addr, len, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) _exit(6);
    lost = (const unsigned char *)addr + len - 1;
    cut(bundle_path);
    touch_on(0);
}

static void killed_child(void)
{
    rs_bundle b = { 0 };
    load(&b);
    kill(getpid(), SIGBUS);
}

/* ---- the parent ---- */

static void make_inputs(void)
{
    rs_err e;
    rs_bundle b = { 0 };
    unsigned char *d = rs_xmalloc(DATA);
    for (size_t i = 0; i < DATA; i++) d[i] = (unsigned char)(i * 7);
    rs_bundle_put(&b, "data", RS_U8, DATA, 1, d, 1);
    FILE *f = fopen(bundle_path, "wb");
    if (!f || rs_bundle_write(f, &b, 0, &e) < 0 || fclose(f) != 0) exit(1);
    rs_bundle_free(&b);

    f = fopen(text_path, "w");
    if (!f) exit(1);
    for (size_t n = 0; n < DATA + 4096;) n += (size_t)fprintf(f, "u%zu\ti%zu\t4\n", n, n % 97);
    if (fclose(f) != 0) exit(1);
}

/* Run fn in a child with stderr into a pipe; its wait status and stderr. */
static int run(void (*fn)(void), char *err, size_t cap)
{
    int p[2];
    if (pipe(p) != 0) exit(1);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) exit(1);
    if (pid == 0) {
        struct rlimit no_core = { 0, 0 };
        setrlimit(RLIMIT_CORE, &no_core);
        close(p[0]);
        dup2(p[1], STDERR_FILENO);
        close(p[1]);
        fn();
        _exit(0);                   /* the touch did not fault */
    }
    close(p[1]);
    size_t got = 0;
    for (;;) {
        ssize_t r = read(p[0], err + got, cap - 1 - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    err[got] = '\0';
    close(p[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    return st;
}

/* Any file in dir whose name starts with prefix (the output or its temporary). */
static int left_over(const char *prefix)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int found = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (!strncmp(de->d_name, prefix, strlen(prefix))) found = 1;
    closedir(d);
    return found;
}

static void shrank(tap *t, const char *what, void (*fn)(void), const char *path)
{
    char err[4096], want[1024];
    make_inputs();
    int st = run(fn, err, sizeof err);
    snprintf(want, sizeof want, "%s: %s: the file shrank while it was being read "
             "(another process truncated or rewrote it)\n", program_invocation_short_name, path);
    OK(t, WIFEXITED(st) && WEXITSTATUS(st) == 1, "%s: exit status 1 (status %#x)", what, st);
    OK(t, !strcmp(err, want), "%s: the message names the file: %.*s", what,
       (int)strcspn(err, "\n"), err);
    OK(t, left_over("out.tsv") == 0, "%s: the temporary output is removed", what);
}

int main(void)
{
    tap t = { 0 };
    if (!mkdtemp(dir)) return 1;
    snprintf(bundle_path, sizeof bundle_path, "%s/model.rsm", dir);
    snprintf(text_path, sizeof text_path, "%s/ratings.tsv", dir);
    snprintf(out_path, sizeof out_path, "%s/out.tsv", dir);

    shrank(&t, "rs_bundle_load", bundle_main, bundle_path);
    shrank(&t, "rs_bundle_load, touched on another thread", bundle_thread, bundle_path);
    shrank(&t, "rs_csvsrc", csvsrc_main, text_path);
    shrank(&t, "rs_csvsrc, touched on another thread", csvsrc_thread, text_path);

    /* What SIGBUS did before rs_map took it: the default (a crash), or a
     * sanitizer's handler (its report, then exit) when built with one. */
    struct sigaction before;
    sigaction(SIGBUS, NULL, &before);
    int dfl = !(before.sa_flags & SA_SIGINFO) && before.sa_handler == SIG_DFL;
    char err[4096];
    make_inputs();
    int st = run(unmapped_child, err, sizeof err);
    OK(&t, dfl ? WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS : st != 0,
       "a mapping no longer registered (rs_bundle_free) faults as before: status %#x", st);
    OK(&t, !strstr(err, "shrank"), "and says nothing of a file: '%.*s'", (int)strcspn(err, "\n"), err);
    make_inputs();
    st = run(killed_child, err, sizeof err);
    OK(&t, dfl ? WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS : st != 0,
       "a SIGBUS sent by kill kills as before: status %#x", st);
    OK(&t, !strstr(err, "shrank"), "and says nothing of a file: '%.*s'", (int)strcspn(err, "\n"), err);

    unlink(bundle_path);
    unlink(text_path);
    rmdir(dir);
    return tap_done(&t);
}
