/* cli.h: what every program's main() shares: option values checked for
 * range and overflow, usage errors (exit 2), thread counts. */
#ifndef RS_CLI_H
#define RS_CLI_H
#include <stdint.h>

/* "prog: msg\nTry 'prog --help' for more information." and exit 2. */
_Noreturn void rs_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse an option's argument or exit 2 naming the option (e.g. "--min-rating"). */
double rs_opt_double(const char *opt, const char *arg, double lo, double hi);
int64_t rs_opt_int(const char *opt, const char *arg, int64_t lo, int64_t hi);
uint64_t rs_opt_seed(const char *opt, const char *arg);
/* A comma-separated list of ints (e.g. -k 1,5,10); returns the count. */
int rs_opt_int_list(const char *opt, const char *arg, int64_t lo, int64_t hi,
                    int64_t *out, int max);

/* All online cores: what -j means when it is absent or 0. */
int rs_threads_default(void);
/* -j/--jobs N: 1..1024 threads, 0 for all cores; exits 2 on anything else. */
int rs_opt_jobs(const char *arg);
/* -z[LEVEL]/--compress[=LEVEL]: a zstd level 1..19, 3 when arg is NULL. */
int rs_opt_zlevel(const char *arg);
/* Fix the thread budget: our own threads and OpenBLAS's never add up to
 * more than the cores.  Call with blas_threads = 1 around code that runs
 * its own threads over BLAS calls, = n for code that calls BLAS alone. */
void rs_blas_threads(int n);

/* Print a help text (to stdout) and exit 0. */
_Noreturn void rs_help(const char *text);
_Noreturn void rs_version(void);

#endif
