#!/bin/sh
# rs-svd-mpi: seconds and bytes exchanged per iteration for P = 1, 2 ranks on
# this machine (synthetic ratings from rs-gen; about half a minute).  The
# figures feed doc/scaling.md.  Usage: sh bench/mpi.sh [USERS] [K]
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$top/build/bin:$PATH
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export PATH OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
users=${1:-2000}
k=${2:-32}
command -v rs-svd-mpi > /dev/null || { echo "rs-svd-mpi not built (no mpicc)"; exit 0; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
rs-gen --users "$users" --items 3000 --ratings 400000 > "$dir/r.csv"
rs-filter "$dir/r.csv" | rs-index > "$dir/m.rsm"
echo "matrix: $(rs-svd -v -a als -k 1 --iterations 0 "$dir/m.rsm" 2>&1 >/dev/null | grep -o '[0-9]* users x [0-9]* items, [0-9]* nonzeros')"
for np in 1 2; do
    /usr/bin/time -f "np=$np max RSS per rank %M KB" \
        mpirun --oversubscribe -np $np rs-svd-mpi -k "$k" --iterations 3 -v -o "$dir/p.rsm" \
        "$dir/m.rsm" 2>&1 | sed "s/^/np=$np /"
done
