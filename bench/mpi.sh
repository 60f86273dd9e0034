#!/bin/sh
# rs-svd-mpi: seconds and bytes exchanged per iteration, and each rank's
# memory, for P = 1, 2 ranks of 1 thread on this machine, and for 1 rank of
# 2 threads (-j 2) beside 2 ranks of 1: the same cores, the factors held
# once instead of twice (synthetic ratings from rs-gen; about a minute).
# Ranks are unbound (mpirun --bind-to none) so a rank's threads may use
# every core.  The matrix has a chunk index (rs-index --chunks 4), so a
# rank reads only its share of the ratings; its memory is that share, plus
# the factors, (users + items) k floats, which every rank holds (the
# Allgatherv design), plus Open MPI's own (the RSS right after MPI_Init).
# For comparison, the same matrix without the index at P = 2 (every rank
# maps it whole and transposes it).  The figures feed doc/scaling.md.
# Usage: sh bench/mpi.sh [USERS] [RATINGS] [K]
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$top/build/bin:$PATH
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export PATH OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
users=${1:-20000}
ratings=${2:-4000000}
k=${3:-32}
iters=3
command -v rs-svd-mpi > /dev/null || { echo "rs-svd-mpi not built (no mpicc)"; exit 0; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
rs-gen --users "$users" --items 10000 --ratings "$ratings" | rs-filter > "$dir/r.tsv"
rs-index --chunks 4 "$dir/r.tsv" > "$dir/c.rsm"
rs-index "$dir/r.tsv" > "$dir/m.rsm"
echo "matrix: $(rs-svd -v -a als -k 1 --iterations 0 "$dir/c.rsm" 2>&1 >/dev/null |
    grep -o '[0-9]* users x [0-9]* items, [0-9]* nonzeros'); k = $k, $iters iterations;" \
    "file $(($(wc -c < "$dir/c.rsm") / 1048576)) MiB with --chunks 4, $(($(wc -c < "$dir/m.rsm") / 1048576)) MiB without"
printf '%-14s %-4s %-3s %10s %14s %6s %12s %12s %10s %12s\n' matrix P -j s/iter bytes/iter \
    rank "ratings MB" "factors MB" "peak MB" "MPI_Init MB"
run() {     # run NAME FILE P J
    mpirun --oversubscribe --bind-to none -np "$3" rs-svd-mpi -j "$4" -k "$k" --iterations $iters \
        -v -o "$dir/p.rsm" "$2" 2> "$dir/err" || { cat "$dir/err"; exit 1; }
    awk -v name="$1" -v np="$3" -v j="$4" '
        / ranks: .* per iteration/ { s = $4; b = $7 }
        /: rank [0-9]+: / {
            r = $3; sub(/:/, "", r)
            rat = "-"; if (match($0, /[0-9.]+ MB of ratings read/)) rat = substr($0, RSTART, RLENGTH - 19)
            if ($0 ~ /mapped and transposed/) rat = "whole"
            match($0, /factors [0-9.]+/); f = substr($0, RSTART + 8, RLENGTH - 8)
            match($0, /peak RSS [0-9.]+ MB training, [0-9.]+ MB at the end/)
            split(substr($0, RSTART, RLENGTH), w, " "); peak = w[6]
            match($0, /[0-9.]+ MB after MPI_Init/); init = substr($0, RSTART, RLENGTH - 18)
            line[r] = sprintf("%6s %12s %12s %10s %12s", r, rat, f, peak, init)
        }
        END { for (r = 0; r < np; r++)
                  printf "%-14s %-4s %-3s %10s %14s %s\n", name, np, j, s, b, line[r] }' "$dir/err"
}
run chunked "$dir/c.rsm" 1 1
run chunked "$dir/c.rsm" 2 1
run chunked "$dir/c.rsm" 1 2
run plain "$dir/m.rsm" 2 1
