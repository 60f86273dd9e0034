#!/bin/sh
# rs-svd-mpi (mpirun -np P) writes the model of rs-svd -a als -j 1, block for
# byte, for P = 1..4 local ranks.  Skips when Open MPI (mpirun and the
# rs-svd-mpi built with mpicc) is not installed.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=${RS_BIN:-$top/build/bin}:$PATH
export PATH
# Open MPI refuses root unless told; CI runs as root.
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
# Open MPI's own allocations outlive MPI_Finalize: not ours to report.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
if ! command -v mpirun > /dev/null || ! command -v rs-svd-mpi > /dev/null; then
    echo "1..0 # skip Open MPI (mpirun, rs-svd-mpi) not installed"
    exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
echo "1..6"
t=0
ok() { t=$((t + 1)); if [ "$1" = 0 ]; then echo "ok $t - $2"; else echo "not ok $t - $2"; fi; }
# same A B: the same model, block by block; only meta's writer= (the
# program's name) may differ.
same() {
    for blk in user_factors item_factors; do
        rs-index --block "$blk" --no-ids "$1" > a.txt && rs-index --block "$blk" --no-ids "$2" > b.txt \
            && cmp -s a.txt b.txt || return 1
    done
    rs-index --list "$1" | grep -v '^writer=' | sed 's/^meta\t.*//' > a.txt
    rs-index --list "$2" | grep -v '^writer=' | sed 's/^meta\t.*//' > b.txt
    cmp -s a.txt b.txt
}

rs-filter --min-rating 3 "$top/testdata/ratings.csv" | rs-index > m.rsm
rs-svd -a als -k 8 --iterations 4 --seed 5 -j 1 m.rsm > one.rsm
for np in 1 2 3 4; do
    timeout 120 mpirun --oversubscribe -np $np rs-svd-mpi -k 8 --iterations 4 --seed 5 \
        -o p$np.rsm m.rsm 2> err.txt
    same one.rsm p$np.rsm
    ok $? "mpirun -np $np: the model of rs-svd -a als -j 1"
done
rs-svd -a als -k 8 --iterations 2 --solver cholesky -j 1 m.rsm > chol.rsm
timeout 120 mpirun --oversubscribe -np 2 rs-svd-mpi -k 8 --iterations 2 --solver cholesky \
    -o pc.rsm m.rsm 2> err.txt
same chol.rsm pc.rsm
ok $? "mpirun -np 2 --solver cholesky: the same model"
timeout 120 mpirun --oversubscribe -np 2 rs-svd-mpi -k 8 --iterations 2 -v -o pv.rsm m.rsm 2> err.txt
grep -q 'iteration 2: .* bytes exchanged' err.txt
ok $? "-v reports time and bytes per iteration"
