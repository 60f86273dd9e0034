/* rs-svd-mpi: rs-svd -a als under MPI (Open MPI), for a matrix past one
 * machine's cores.  Run as `mpirun -np P rs-svd-mpi [OPTION]... MATRIX`.
 *
 * Rank r owns a contiguous block of user rows and a block of item rows
 * (cut by nonzeros, so the solves balance).  Each half-iteration every rank
 * forms the Gram matrix of the fixed side (all ranks hold all factors),
 * solves only its own rows with mf_als.h's rs_als_solve_row, and the
 * blocks are exchanged with MPI_Allgatherv.  Factors start from the seed
 * exactly as rs_als_fit's, and a row's solve does not depend on who does
 * it, so the model is rs-svd -a als -j 1's, byte for byte, for every P
 * (tests/t/mpi.t).  Rank 0 writes it.
 *
 * What a rank reads: the matrix file is mapped (rs_bundle_load), and a
 * rank touches only the pages of its rows' indptr/indices/values, plus the
 * transposed copy of its item block built from them.  What is missing from
 * the design: a block index in the file so that a rank reads its
 * item block without the users' rows (today the transpose is built from
 * the whole matrix on every rank: memory O(nnz) per rank, not O(nnz/P)). */
#include <cblas.h>
#include <getopt.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "common/err.h"
#include "common/parallel.h"
#include "common/rng.h"
#include "format/bundle.h"
#include "format/csr.h"
#include "model/mf.h"
#include "model/mf_als.h"

static const char usage[] =
"Usage: mpirun -np P rs-svd-mpi [OPTION]... MATRIX\n"
"Implicit ALS (rs-svd -a als) on P MPI ranks; the model equals rs-svd -a als -j 1's.\n"
"  -k N               factors (default 50)\n"
"      --iterations N alternations (default 15)\n"
"      --reg R        regularization (default 0.01)\n"
"      --alpha A      confidence 1 + A r (default 1)\n"
"      --solver S     cg (default) or cholesky\n"
"      --cg-steps N   conjugate gradient steps (default 3)\n"
"      --seed S       seed of the initial factors (default 1)\n"
"  -o, --output FILE  where rank 0 writes the model (default stdout)\n"
"  -v, --verbose      time and bytes exchanged per iteration on stderr (rank 0)\n"
"  -h, --help         show this help and exit\n";

/* [lo[r], lo[r+1]) are rank r's rows: cut where the running nonzero count
 * passes r/P of the total. */
static void cut(const rs_csr *m, int P, int *lo)
{
    uint32_t row = 0;
    lo[0] = 0;
    for (int r = 1; r < P; r++) {
        uint64_t want = m->nnz * (uint64_t)r / (uint64_t)P;
        while (row < m->rows && m->indptr[row] < want) row++;
        lo[r] = (int)row;
    }
    lo[P] = (int)m->rows;
}

static void gram(const float *Y, uint32_t n, int k, double reg, float *G);

typedef struct side {
    const rs_csr *rows;
    int *lo, *counts, *displs;  /* in floats: rows x k */
} side;

static int solve_block(const rs_als_opts *o, const side *s, int rank, float *X, const float *Y,
                       uint32_t ny, float *G, uint64_t *bytes)
{
    const int k = o->k;
    const rs_csr *m = s->rows;
    gram(Y, ny, k, o->reg, G);
    uint64_t maxrow = 0;
    for (int r = s->lo[rank]; r < s->lo[rank + 1]; r++)
        if (m->indptr[r + 1] - m->indptr[r] > maxrow) maxrow = m->indptr[r + 1] - m->indptr[r];
    float *scratch = rs_xmalloc(rs_als_scratch(k, maxrow, o->solver) * sizeof *scratch);
    int bad = 0;
    for (int r = s->lo[rank]; r < s->lo[rank + 1]; r++) {
        uint64_t a = m->indptr[r], b = m->indptr[r + 1];
        if (rs_als_solve_row(Y, k, G, m->indices + a, m->values + a, b - a, o->alpha, o->solver,
                             o->cg_steps, X + (size_t)r * k, scratch) < 0)
            bad = 1;
    }
    free(scratch);
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, X, s->counts, s->displs, MPI_FLOAT,
                   MPI_COMM_WORLD);
    int P;
    MPI_Comm_size(MPI_COMM_WORLD, &P);
    /* Each rank receives every other block: (P - 1) x the factors, over all ranks. */
    *bytes += (uint64_t)(P - 1) * (uint64_t)m->rows * (uint64_t)k * sizeof(float);
    int any;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return any ? -1 : 0;
}

/* As mf_als.c's (not exported): G = Y'Y + reg I, full. */
static void gram(const float *Y, uint32_t n, int k, double reg, float *G)
{
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, k, (int)n, 1.0f, Y, k, 0.0f, G, k);
    for (int a = 0; a < k; a++) {
        G[(size_t)a * k + a] += (float)reg;
        for (int b = 0; b < a; b++) G[(size_t)a * k + b] = G[(size_t)b * k + a];
    }
}

static void plan(const rs_csr *m, int P, int k, side *s)
{
    s->rows = m;
    s->lo = rs_xmalloc(((size_t)P + 1) * sizeof *s->lo);
    s->counts = rs_xmalloc((size_t)P * sizeof *s->counts);
    s->displs = rs_xmalloc((size_t)P * sizeof *s->displs);
    cut(m, P, s->lo);
    for (int r = 0; r < P; r++) {
        s->counts[r] = (s->lo[r + 1] - s->lo[r]) * k;
        s->displs[r] = s->lo[r] * k;
    }
}

static void unplan(side *s) { free(s->lo); free(s->counts); free(s->displs); }

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, P;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &P);
    static const struct option longopts[] = {
        { "iterations", required_argument, NULL, 'I' }, { "reg", required_argument, NULL, 'R' },
        { "alpha", required_argument, NULL, 'A' }, { "solver", required_argument, NULL, 'S' },
        { "cg-steps", required_argument, NULL, 'C' }, { "seed", required_argument, NULL, 'E' },
        { "output", required_argument, NULL, 'o' }, { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    rs_als_opts o;
    rs_als_defaults(&o);
    o.k = 50;
    o.threads = 1;
    const char *output = NULL;
    int verbose = 0, c;
    while ((c = getopt_long(argc, argv, "k:o:vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'k': o.k = (int)rs_opt_int("-k", optarg, 1, 1 << 20); break;
        case 'I': o.iterations = (int)rs_opt_int("--iterations", optarg, 0, 1 << 24); break;
        case 'R': o.reg = rs_opt_double("--reg", optarg, 0, HUGE_VAL); break;
        case 'A': o.alpha = rs_opt_double("--alpha", optarg, 0, HUGE_VAL); break;
        case 'S':
            if ((o.solver = rs_als_solver_parse(optarg)) < 0)
                rs_usage_error("--solver: '%s' is not cg or cholesky", optarg);
            break;
        case 'C': o.cg_steps = (int)rs_opt_int("--cg-steps", optarg, 1, 1000); break;
        case 'E': o.seed = rs_opt_seed("--seed", optarg); break;
        case 'o': output = optarg; break;
        case 'v': verbose = 1; break;
        case 'h': if (rank == 0) fputs(usage, stdout); MPI_Finalize(); return 0;
        default: rs_usage_error("unknown option");
        }
    }
    if (optind != argc - 1) rs_usage_error("give one MATRIX file (rs-index output)");
    rs_blas_threads(1);
    rs_err e = { 0 };
    rs_bundle b = { 0 };
    if (rs_bundle_load_expect(argv[optind], &b, "a matrix from rs-index", &e) < 0) rs_die_err(&e);
    rs_csr a, t;
    if (rs_csr_get(&b, &a, &e) < 0) rs_die_err(&e);
    if (rs_mf_check(&a, o.k, &e) < 0) rs_die_err(&e);
    rs_csr view = a;
    view.times = NULL;
    rs_csr_transpose(&view, &t);
    const int k = o.k;
    rs_mf mf;
    rs_mf_alloc(&mf, a.rows, a.cols, k, 0, 0);
    rs_rng rng;     /* rs_als_fit's start: P, then Q, from one stream */
    rs_rng_seed(&rng, o.seed);
    for (size_t x = 0; x < (size_t)a.rows * k; x++) mf.P[x] = (float)(0.01 * rs_rng_double(&rng));
    for (size_t x = 0; x < (size_t)a.cols * k; x++) mf.Q[x] = (float)(0.01 * rs_rng_double(&rng));
    side us, is;
    plan(&a, P, k, &us);
    plan(&t, P, k, &is);
    float *G = rs_xmalloc((size_t)k * k * sizeof *G);
    for (int it = 1; it <= o.iterations; it++) {
        double t0 = MPI_Wtime();
        uint64_t bytes = 0;
        if (solve_block(&o, &is, rank, mf.Q, mf.P, a.rows, G, &bytes) < 0 ||
            solve_block(&o, &us, rank, mf.P, mf.Q, a.cols, G, &bytes) < 0)
            rs_die(RS_EDATA, "ALS: a singular system at iteration %d (use --reg > 0)", it);
        if (verbose && rank == 0)
            rs_warn("iteration %d: %.4f s, %llu bytes exchanged (all ranks)", it,
                    MPI_Wtime() - t0, (unsigned long long)bytes);
    }
    if (rank == 0) {
        rs_outset *set = rs_outset_new();
        rs_out *out = rs_cmd_open(set, "-o", output, 1);
        rs_als_put(&mf, &o, &b);
        rs_cmd_write_bundle(out, &b, 0);
        rs_cmd_close(out);
    }
    free(G);
    unplan(&us);
    unplan(&is);
    rs_mf_free(&mf);
    rs_csr_free(&t);
    rs_bundle_free(&b);
    MPI_Finalize();
    return 0;
}
