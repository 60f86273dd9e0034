/* run.h: the trials of a search as child processes, and their results
 * table.
 *
 * A trial is `/bin/sh -c COMMAND` with standard input /dev/null, standard
 * output into an unnamed temporary file, standard error shared with the
 * caller's.  Its metric is a number on the last non-blank line of that
 * output: the whole line, or, given a column name, that column of the last
 * line of a TSV whose first line is the header (rs-eval's report).
 *
 * The results table (TSV): trial, one column per parameter, metric,
 * seconds, status (ok; exit N, signal N or "no metric" for a failed
 * trial, whose metric is empty).  A search appends a row as each trial
 * ends, and --resume reads the table back (rs_results_read). */
#ifndef RS_TUNE_RUN_H
#define RS_TUNE_RUN_H
#include <stdio.h>
#include <sys/types.h>
#include "tune/space.h"

typedef struct rs_job {
    pid_t pid;              /* 0 when the slot is free */
    long trial;
    char **values;          /* the setting (space->n strings) */
    double *x;              /* the same on the internal scale */
    FILE *out;              /* the child's standard output */
    double t0;
} rs_job;

/* Start cmd for j (j->trial, values and x set by the caller). */
int rs_job_start(rs_job *j, const char *cmd, rs_err *e);
/* Wait for any started job of jobs[0..n-1]; its index, its wait status in
 * *status; -1 with e set when waitpid fails. */
int rs_job_wait(rs_job *jobs, int n, int *status, rs_err *e);
/* The metric of an ended job (column NULL: the whole last line).  0, or -1
 * with why (n >= 128 bytes) saying what was wrong. */
int rs_job_metric(rs_job *j, const char *column, double *v, char *why, size_t n);

/* The table's header line (with '\n'). */
void rs_results_header(FILE *f, const rs_space *s);
/* One row: metric NAN when status is not "ok". */
void rs_results_row(FILE *f, const rs_space *s, long trial, char *const *values, double metric,
                    double seconds, const char *status);

/* A results table read back: n rows of trial numbers, internal settings
 * (row-major n x space->n), metrics (NAN for failed trials). */
typedef struct rs_results {
    size_t n;
    long *trial;
    double *x, *metric, *seconds;
    char **values;          /* n x space->n strings */
} rs_results;

/* Read path (made by a search with the same space: the header must match;
 * errors name the file, line and field).  A missing or empty file is an
 * empty table. */
int rs_results_read(const char *path, const rs_space *s, rs_results *r, rs_err *e);
void rs_results_free(rs_results *r, const rs_space *s);

#endif
