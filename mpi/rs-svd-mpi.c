/* rs-svd-mpi: rs-svd -a als under MPI (Open MPI), for a matrix past one
 * machine's cores.  Run as `mpirun -np P rs-svd-mpi [OPTION]... MATRIX`.
 *
 * Rank r owns a contiguous block of user rows and a block of item rows
 * (cut by nonzeros, so the solves balance).  Each half-iteration every rank
 * forms the Gram matrix of the fixed side (all ranks hold all factors) and
 * solves only its own rows on -j threads, both with mf_als.h's
 * rs_als_solve_side (rs-svd -a als's own half-iteration), and the blocks are exchanged with MPI_Allgatherv.  Factors start from the
 * seed exactly as rs_als_fit's, a row's solve does not depend on who does
 * it, and the Gram is one SSYRK on -j BLAS threads between the solves, as
 * rs-svd -a als forms it (OpenBLAS splits a SYRK's output among its
 * threads, not the sum, so the Gram is the same for any count), so the
 * model is rs-svd -a als -j 1's, byte for byte, for every P and -j
 * (tests/t/mpi.t, also on a Gram large enough for OpenBLAS to thread).
 * Rank 0 writes it.  The factors are held once per rank, so one rank per
 * machine with a thread per core holds them once per machine.
 *
 * What a rank reads: from a matrix with a chunk index (rs-index --chunks N,
 * format/chunks.h) only the chunks of its user rows and of its item rows,
 * with pread, each chunk's checksum checked; its shares are whole chunks,
 * cut by nonzeros.  So its ratings take O(nnz / P) memory; the factors,
 * (users + items) x k floats, are on every rank by the Allgatherv design.
 * Rank 0 copies the input's matrix blocks into the model in pieces, so
 * writing adds no more than a buffer.  A matrix without the index is
 * mapped whole on every rank and transposed there: O(nnz) per rank. */
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <mpi.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"
#include "common/err.h"
#include "common/parallel.h"
#include "common/rng.h"
#include "format/bundle.h"
#include "format/chunks.h"
#include "format/csr.h"
#include "model/mf.h"
#include "model/mf_als.h"

static const char usage[] =
"Usage: mpirun -np P rs-svd-mpi [OPTION]... MATRIX\n"
"Implicit ALS (rs-svd -a als) on P MPI ranks; the model equals rs-svd -a als -j 1's.\n"
"With a MATRIX from rs-index --chunks N each rank reads only its share of it.\n"
"  -k N               factors (default 50)\n"
"  -j, --jobs N       threads per rank (default 0: the rank's share of its\n"
"                     machine's cores, cores / ranks on that machine)\n"
"      --iterations N alternations (default 15)\n"
"      --reg R        regularization (default 0.01)\n"
"      --alpha A      confidence 1 + A r (default 1)\n"
"      --solver S     cg (default) or cholesky\n"
"      --cg-steps N   conjugate gradient steps (default 3)\n"
"      --seed S       seed of the initial factors (default 1)\n"
"  -o, --output FILE  where rank 0 writes the model (default stdout)\n"
"  -v, --verbose      time and bytes exchanged per iteration (rank 0), and what\n"
"                     each rank read and its peak resident memory, on stderr\n"
"  -h, --help         show this help and exit\n"
"  -V, --version      show the version and exit\n"
"\n"
"Examples:\n"
"  rs-index --chunks 4 train.tsv > chunked.rsm\n"
"  mpirun -np 2 rs-svd-mpi -k 20 --iterations 5 -o als.rsm chunked.rsm\n"
"  mpirun -np 1 --bind-to none rs-svd-mpi -j 2 -k 20 --iterations 5 -o als.rsm chunked.rsm\n";

/* One side of the matrix as a rank sees it: its rows, and where every
 * rank's rows are. */
typedef struct side {
    rs_csr rows;                /* this rank's: local row 0 is global row lo[rank] */
    uint32_t n;                 /* rows of the side, over all ranks */
    int *lo, *counts, *displs;  /* counts, displs in floats: rows x k */
    uint64_t bytes;             /* of ratings read for it */
} side;

/* Every rank learns whether any failed; the ones that did say why (with
 * local = 0 only rank 0 speaks: all met the same error).  Then all stop. */
static void check_all(int failed, const rs_err *e, int local)
{
    int rank, any;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (failed && (local || rank == 0)) rs_warn("%s", e->msg);
    if (!any) return;
    MPI_Finalize();
    exit(e->code == RS_EUSAGE && !local ? 2 : 1);
}

static int solve_block(const rs_als_opts *o, const side *s, int rank, float *X, const float *Y,
                       uint32_t ny, float *G, uint64_t *bytes)
{
    const int k = o->k;
    const rs_csr *m = &s->rows;
    /* The Gram and the rank's row solves as rs-svd -a als does them; a
     * singular row is reported once, by rank 0, with the iteration. */
    rs_err e = { 0 };
    int bad = rs_als_solve_side(o, m, X + (size_t)s->lo[rank] * k, Y, ny, G, "row", &e) < 0;
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, X, s->counts, s->displs, MPI_FLOAT,
                   MPI_COMM_WORLD);
    int P;
    MPI_Comm_size(MPI_COMM_WORLD, &P);
    /* Each rank receives every other block: (P - 1) x the factors, over all ranks. */
    *bytes += (uint64_t)(P - 1) * (uint64_t)s->n * (uint64_t)k * sizeof(float);
    int any;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return any ? -1 : 0;
}

static void plan_alloc(side *s, int P, uint32_t n)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->lo = rs_xmalloc(((size_t)P + 1) * sizeof *s->lo);
    s->counts = rs_xmalloc((size_t)P * sizeof *s->counts);
    s->displs = rs_xmalloc((size_t)P * sizeof *s->displs);
}

static void plan_counts(side *s, int P, int k)
{
    for (int r = 0; r < P; r++) {
        s->counts[r] = (s->lo[r + 1] - s->lo[r]) * k;
        s->displs[r] = s->lo[r] * k;
    }
}

/* A whole matrix m in memory: [lo[r], lo[r+1]) are rank r's rows, cut
 * where the running nonzero count passes r/P of the total; the rank's
 * rows are a view into m. */
static void plan_whole(const rs_csr *m, int P, int rank, int k, side *s)
{
    plan_alloc(s, P, m->rows);
    uint32_t row = 0;
    s->lo[0] = 0;
    for (int r = 1; r < P; r++) {
        uint64_t want = m->nnz * (uint64_t)r / (uint64_t)P;
        while (row < m->rows && m->indptr[row] < want) row++;
        s->lo[r] = (int)row;
    }
    s->lo[P] = (int)m->rows;
    plan_counts(s, P, k);
    s->rows = *m;
    s->rows.owned = 0;
    s->rows.times = NULL;
    s->rows.indptr = m->indptr + s->lo[rank];
    s->rows.rows = (uint32_t)(s->lo[rank + 1] - s->lo[rank]);
}

/* A chunked file: each rank's rows are whole chunks, and it reads its own.
 * Returns the number of ranks with no chunk of this side. */
static int plan_chunks(const rs_chunked *c, int which, int P, int rank, int k, side *s, rs_err *e,
                       int *failed)
{
    plan_alloc(s, P, c->rows[which]);
    uint32_t *first = rs_xmalloc(((size_t)P + 1) * sizeof *first);
    rs_chunked_split(c, which, P, first);
    int idle = 0;
    for (int r = 0; r <= P; r++)
        s->lo[r] = first[r] < c->n ? (int)rs_chunked_entry(c, which, first[r])[RS_CHUNK_ROW_LO]
                                   : (int)c->rows[which];
    for (int r = 0; r < P; r++) idle += first[r] == first[r + 1];
    plan_counts(s, P, k);
    if (rs_chunked_read(c, which, first[rank], first[rank + 1], &s->rows, e) < 0) *failed = 1;
    else s->bytes = ((uint64_t)s->rows.rows + 1) * 8 + s->rows.nnz * 8;
    free(first);
    return idle;
}

static void unplan(side *s)
{
    free(s->lo);
    free(s->counts);
    free(s->displs);
    rs_csr_free(&s->rows);
}

/* This process's rank as the launcher says it before MPI_Init (Open MPI;
 * MPICH's Hydra), or -1 outside a launcher. */
static int launcher_rank(void)
{
    static const char *const names[] = { "OMPI_COMM_WORLD_RANK", "PMI_RANK" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = getenv(names[i]);
        if (v && *v) return atoi(v);
    }
    return -1;
}

/* Options are parsed before MPI_Init (--help and usage errors work outside
 * mpirun), by every rank alike: ranks other than 0 parse them with stdout
 * and stderr on /dev/null, so a usage error, --help or --version is said
 * once, and every rank still exits with its status.  mute(1, fds) saves
 * the two descriptors in fds (-1: nothing muted), mute(0, fds) puts back
 * what fds holds. */
static void mute(int on, int fds[2])
{
    fflush(stdout);
    fflush(stderr);
    if (on) {
        int null = open("/dev/null", O_WRONLY);
        if (null < 0) return;
        fds[0] = dup(1);
        fds[1] = dup(2);
        if (fds[0] >= 0 && fds[1] >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        } else {        /* nothing muted: the messages are said twice, not lost */
            if (fds[0] >= 0) close(fds[0]);
            if (fds[1] >= 0) close(fds[1]);
            fds[0] = fds[1] = -1;
        }
        close(null);
    } else if (fds[0] >= 0) {
        dup2(fds[0], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        fds[0] = fds[1] = -1;
    }
}

/* A muted rank that exits with a usage error gives rank 0 the time to say
 * it: mpirun stops all ranks as soon as one fails. */
static void let_rank0_speak(int status, void *fds)
{
    if (status != 0 && ((int *)fds)[0] >= 0) nanosleep(&(struct timespec){ 0, 500000000 }, NULL);
}

/* What a rank's threads run on: the machine's cores, those the launcher
 * bound the rank to (mpirun binds each rank to one core at -np 2 or less,
 * to a socket above), and the ranks sharing the machine. */
typedef struct cores {
    int machine, bound, local;
} cores;

static void cores_of(cores *c)
{
    c->machine = rs_threads_default();
    cpu_set_t set;
    c->bound = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : c->machine;
    if (c->bound < 1 || c->bound > c->machine) c->bound = c->machine;
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &c->local);
    MPI_Comm_free(&node);
}

/* The rank's share of its machine: cores / ranks there, at least 1. */
static int fair_of(const cores *c)
{
    return c->machine / c->local > 1 ? c->machine / c->local : 1;
}

/* -j's default: that share, but no more than the cores the rank is bound
 * to, so P ranks on one machine never take P x its cores. */
static int share_of(const cores *c)
{
    return fair_of(c) < c->bound ? fair_of(c) : c->bound;
}

/* Said once, by the lowest rank concerned: ranks whose binding leaves them
 * fewer cores than their share of the machine, or fewer than their -j. */
static void check_binding(const cores *c, int threads, int rank, int P)
{
    int off = c->bound < fair_of(c) || threads > c->bound, n, first;
    int mine = off ? rank : P;
    MPI_Allreduce(&off, &n, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (n && rank == first)
        rs_warn("%d of %d ranks are bound to fewer cores than they could use (rank %d: -j %d, "
                "bound to %d of its machine's %d cores, %d ranks there): give mpirun "
                "--bind-to none, or --map-by ppr:N:node:PE=C (N ranks of C cores a machine)",
                n, P, rank, threads, c->bound, c->machine, c->local);
}

static double peak_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;   /* KB on Linux: VmHWM */
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "jobs", required_argument, NULL, 'j' },
        { "iterations", required_argument, NULL, 'I' }, { "reg", required_argument, NULL, 'R' },
        { "alpha", required_argument, NULL, 'A' }, { "solver", required_argument, NULL, 'S' },
        { "cg-steps", required_argument, NULL, 'C' }, { "seed", required_argument, NULL, 'E' },
        { "output", required_argument, NULL, 'o' }, { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 } };
    rs_als_opts o;
    rs_als_defaults(&o);
    o.k = 50;
    o.threads = 0;              /* the rank's share of its machine, known after MPI_Init */
    const char *output = NULL;
    int verbose = 0, c;
    static int fds[2] = { -1, -1 };     /* static: let_rank0_speak may see it after main */
    if (launcher_rank() > 0) {
        mute(1, fds);
        on_exit(let_rank0_speak, fds);
    }
    while ((c = rs_getopt(argc, argv, "k:j:o:vhV", longopts)) != -1) {
        switch (c) {
        case 'k': o.k = (int)rs_opt_int("-k", optarg, 1, 1 << 20); break;
        case 'j': o.threads = (int)rs_opt_int("--jobs", optarg, 0, 1024); break;
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
        case 'h': rs_help(usage);
        case 'V': rs_version();
        default: rs_usage_error("unknown option");
        }
    }
    if (optind != argc - 1) rs_usage_error("give one MATRIX file (rs-index output)");
    const char *path = argv[optind];
    mute(0, fds);
    MPI_Init(&argc, &argv);
    double start_mb = peak_mb();
    int rank, P;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &P);
    cores cs;
    cores_of(&cs);
    if (!o.threads) o.threads = share_of(&cs);
    check_binding(&cs, o.threads, rank, P);
    /* Our threads and OpenBLAS's take turns, as in rs-svd: the Gram on -j
     * BLAS threads, then the row solves on -j of ours (rs_parallel_for keeps
     * BLAS to one thread inside them). */
    rs_blas_threads(o.threads);
    const int k = o.k;
    rs_err e = { 0 };
    rs_bundle b = { 0 };
    rs_chunked ch;
    int chunked = rs_chunked_open(path, &ch, &e), failed = 0;
    check_all(chunked < 0, &e, 0);
    rs_csr a = { 0 }, t = { 0 };
    side us, is;
    if (chunked) {
        a.rows = ch.rows[RS_BY_USER];
        a.cols = ch.rows[RS_BY_ITEM];
        a.nnz = ch.nnz;
        check_all(rs_mf_check(&a, k, &e) < 0, &e, 0);
        int idle = plan_chunks(&ch, RS_BY_USER, P, rank, k, &us, &e, &failed);
        int idle2 = plan_chunks(&ch, RS_BY_ITEM, P, rank, k, &is, &e, &failed);
        if (idle2 > idle) idle = idle2;
        if (rank == 0 && idle)
            rs_warn("%d of %d ranks have no chunk of rows to solve (%s has %u chunks a side: "
                    "rs-index --chunks N with N a multiple of the ranks balances them)",
                    idle, P, path, ch.n);
        check_all(failed, &e, 1);
    } else {
        check_all(rs_bundle_load_expect(path, &b, "a matrix from rs-index", &e) < 0
                  || rs_csr_get(&b, &a, &e) < 0 || rs_mf_check(&a, k, &e) < 0, &e, 0);
        rs_csr view = a;
        view.times = NULL;
        rs_csr_transpose(&view, &t);
        plan_whole(&a, P, rank, k, &us);
        plan_whole(&t, P, rank, k, &is);
    }
    rs_mf mf;
    rs_mf_alloc(&mf, a.rows, a.cols, k, 0, 0);
    rs_rng rng;     /* rs_als_fit's start: P, then Q, from one stream */
    rs_rng_seed(&rng, o.seed);
    for (size_t x = 0; x < (size_t)a.rows * k; x++) mf.P[x] = (float)(0.01 * rs_rng_double(&rng));
    for (size_t x = 0; x < (size_t)a.cols * k; x++) mf.Q[x] = (float)(0.01 * rs_rng_double(&rng));
    float *G = rs_xmalloc((size_t)k * k * sizeof *G);
    double t_all = MPI_Wtime();
    uint64_t bytes_all = 0;
    for (int it = 1; it <= o.iterations; it++) {
        double t0 = MPI_Wtime();
        uint64_t bytes = 0;
        if (solve_block(&o, &is, rank, mf.Q, mf.P, a.rows, G, &bytes) < 0 ||
            solve_block(&o, &us, rank, mf.P, mf.Q, a.cols, G, &bytes) < 0) {
            if (rank == 0) rs_warn("ALS: a singular system at iteration %d (use --reg > 0)", it);
            MPI_Finalize();
            return 1;
        }
        /* Every rank holds all factors now, so all decide alike. */
        if (rs_als_finite_after(&mf, &o, it, &e) < 0) {
            if (rank == 0) rs_warn("%s", e.msg);
            MPI_Finalize();
            return 1;
        }
        bytes_all += bytes;
        if (verbose && rank == 0)
            rs_warn("iteration %d: %.4f s, %llu bytes exchanged (all ranks)", it,
                    MPI_Wtime() - t0, (unsigned long long)bytes);
    }
    if (verbose && rank == 0 && o.iterations > 0)
        rs_warn("%d ranks: %.4f s and %llu bytes exchanged per iteration", P,
                (MPI_Wtime() - t_all) / o.iterations,
                (unsigned long long)(bytes_all / (uint64_t)o.iterations));
    double factors_mb = ((double)a.rows + a.cols) * k * sizeof(float) / 1048576.0;
    double train_mb = peak_mb();
    free(G);
    uint64_t bytes_read = chunked ? us.bytes + is.bytes : 0;
    uint32_t urows = us.rows.rows, irows = is.rows.rows;
    uint64_t nz = us.rows.indptr[urows] - us.rows.indptr[0] + is.rows.indptr[irows] - is.rows.indptr[0];
    unplan(&us);
    unplan(&is);
    if (rank == 0) {
        rs_outset *set = rs_outset_new();
        rs_out *out = rs_cmd_open(set, "-o", output, 1);
        if (chunked) {
            rs_bundle meta = { 0 };
            if (rs_bundle_dir_read(&ch.dir, "meta", &meta, &e) < 0) rs_cmd_fail(out, &e);
            rs_als_put(&mf, &o, &meta);
            rs_cmd_write_bundle_over(out, &ch.dir, &meta, 0);
            rs_bundle_free(&meta);
        } else {
            rs_als_put(&mf, &o, &b);
            rs_cmd_write_bundle(out, &b, 0);
        }
        rs_cmd_close(out);
    }
    if (verbose) {
        /* One line per rank, in rank order. */
        for (int r = 0; r < P; r++) {
            if (r == rank) {
                if (chunked)
                    rs_warn("rank %d: %u user rows, %u item rows, %llu entries: %.1f MB of "
                            "ratings read; factors %.1f MB (on every rank); -j %d; peak RSS "
                            "%.1f MB training, %.1f MB at the end (%.1f MB after MPI_Init)", rank,
                            urows, irows, (unsigned long long)nz, (double)bytes_read / 1048576.0,
                            factors_mb, o.threads, train_mb, peak_mb(), start_mb);
                else
                    rs_warn("rank %d: %u user rows, %u item rows (the whole matrix mapped and "
                            "transposed: no chunk index); factors %.1f MB; -j %d; peak RSS "
                            "%.1f MB training, %.1f MB at the end (%.1f MB after MPI_Init)", rank,
                            urows, irows, factors_mb, o.threads, train_mb, peak_mb(), start_mb);
                fflush(stderr);
            }
            MPI_Barrier(MPI_COMM_WORLD);
        }
    }
    rs_mf_free(&mf);
    rs_csr_free(&t);
    rs_bundle_free(&b);
    if (chunked) rs_chunked_close(&ch);
    MPI_Finalize();
    return 0;
}
