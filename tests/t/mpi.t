#!/bin/sh
# rs-svd-mpi (mpirun -np P) writes the model of rs-svd -a als -j 1, block for
# byte, for P = 1..4 local ranks, from a plain matrix and from one with a
# chunk index (rs-index --chunks: each rank reads only its chunks), also
# with more ranks than chunks and a chunk count P does not divide, and with
# -j 2 threads a rank (P = 1, 2; both solvers).  Usage errors and --help
# are said once, not once per rank; -j's default is the rank's share of the
# machine.  Skips when Open MPI (mpirun and the
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
echo "1..24"
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

# A chunked matrix: 3 chunks a side.  With 4 ranks one rank has no rows
# (said on stderr), and the model is still the same.
rs-filter --min-rating 3 "$top/testdata/ratings.csv" | rs-index --chunks 3 > c.rsm
rs-svd -a als -k 8 --iterations 4 --seed 5 -j 1 c.rsm > cone.rsm
for np in 1 2 3 4; do
    timeout 120 mpirun --oversubscribe -np $np rs-svd-mpi -k 8 --iterations 4 --seed 5 \
        -o c$np.rsm c.rsm 2> err.txt
    same cone.rsm c$np.rsm
    ok $? "chunked matrix, mpirun -np $np: the model of rs-svd -a als -j 1"
done
grep -q '1 of 4 ranks have no chunk of rows' err.txt
ok $? "more ranks than chunks: the idle ranks are reported"
# 5 chunks on 3 ranks (not a multiple): uneven shares, the same model.
rs-filter --min-rating 3 "$top/testdata/ratings.csv" | rs-index --chunks 5 > c5.rsm
rs-svd -a als -k 8 --iterations 3 -j 1 c5.rsm > c5one.rsm
timeout 120 mpirun --oversubscribe -np 3 rs-svd-mpi -k 8 --iterations 3 -v -o c5p.rsm c5.rsm 2> err.txt
same c5one.rsm c5p.rsm
ok $? "5 chunks on 3 ranks: the same model"
# -v: each rank's share and peak memory; the shares add up to every entry twice.
[ "$(grep -c '^rs-svd-mpi: rank [0-2]: .* MB of ratings read; .* peak RSS [0-9.]* MB' err.txt)" = 3 ] &&
    [ "$(sed -n 's/^rs-svd-mpi: rank [0-9]*: .* item rows, \([0-9]*\) entries.*/\1/p' err.txt |
        awk '{ s += $1 } END { print s }')" = "$(($(rs-index --block indices --no-ids c5.rsm | wc -l) * 2))" ]
ok $? "-v: each rank's rows, entries read and peak RSS; the shares cover the matrix once a side"
# A damaged chunk: an error naming the file and the chunk's blocks, no model.
python3 - <<'PY'
d = bytearray(open('c.rsm', 'rb').read())
d[len(d) - 72 - 6 * 5 * 8 - 72 - 300] ^= 1     # in csc_values, before the chunks block
open('bad.rsm', 'wb').write(d)
PY
timeout 120 mpirun --oversubscribe -np 2 rs-svd-mpi -k 8 --iterations 1 -o bad-out.rsm bad.rsm 2> err.txt
st=$?
[ $st != 0 ] && [ ! -e bad-out.rsm ] &&
    grep -q "^rs-svd-mpi: bad.rsm: checksum mismatch in item chunk [0-9]* (rows [0-9]* to [0-9]* of blocks 'csc_indptr', 'csc_indices', 'csc_values'): the file is damaged" err.txt
ok $? "a damaged chunk: exit $st, the file and blocks named, no model written"
# Divergence: the message of rs-svd -a als, at the same iteration, no model.
rs-svd -a als -k 8 --alpha 1e38 --iterations 2 -j 1 c.rsm 2> want.txt > /dev/null
timeout 120 mpirun --oversubscribe -np 2 rs-svd-mpi -k 8 --alpha 1e38 --iterations 2 -o dv.rsm c.rsm 2> err.txt
st=$?
[ $st != 0 ] && [ ! -e dv.rsm ] && grep -q 'ALS diverged at iteration' want.txt &&
    grep -qxF "$(sed 's/^rs-svd:/rs-svd-mpi:/' want.txt)" err.txt
ok $? "a diverging run: rs-svd's message, exit $st, no model"

# Threads inside a rank: -j 2 changes nothing in the model, for P = 1 and 2
# and both solvers (each thread its own scratch, the Gram shared).  The
# ranks are unbound so the two threads may take both cores.
for np in 1 2; do
    timeout 120 mpirun --oversubscribe --bind-to none -np $np rs-svd-mpi -j 2 -k 8 --iterations 4 \
        --seed 5 -v -o cj$np.rsm c.rsm 2> err.txt
    same cone.rsm cj$np.rsm && [ "$(grep -c '^rs-svd-mpi: rank [0-9]: .*; -j 2; peak RSS' err.txt)" = $np ]
    ok $? "chunked matrix, mpirun -np $np, -j 2: the model of rs-svd -a als -j 1, 2 threads a rank"
done
timeout 120 mpirun --oversubscribe --bind-to none -np 2 rs-svd-mpi -j 2 -k 8 --iterations 2 \
    --solver cholesky -o pcj.rsm m.rsm 2> err.txt
same chol.rsm pcj.rsm
ok $? "mpirun -np 2 -j 2 --solver cholesky: the same model"
# A Gram large enough for OpenBLAS to thread its SYRK (k x users = 8 x
# 45000 > its 262144 threshold), formed on 2 BLAS threads under -j 2: still
# the model of one thread.
awk 'BEGIN { srand(7); for (u = 1; u <= 45000; u++) for (j = 0; j < 3; j++)
    printf "%d\t%d\t%d\n", u, 1 + int(rand() * 400), 1 + int(rand() * 5) }' |
    rs-index --chunks 2 > big.rsm
rs-svd -a als -k 8 --iterations 2 -j 1 big.rsm > bigone.rsm
timeout 120 mpirun --oversubscribe --bind-to none -np 1 rs-svd-mpi -j 2 -k 8 --iterations 2 \
    -o bigj.rsm big.rsm 2> err.txt
same bigone.rsm bigj.rsm
ok $? "45000 users, -j 2 (the Gram on OpenBLAS's threads): the model of rs-svd -a als -j 1"
# -j's default: the machine's cores over its ranks (2 ranks here), at least 1.
cores=$(getconf _NPROCESSORS_ONLN)
want=$((cores / 2 > 1 ? cores / 2 : 1))
timeout 120 mpirun --oversubscribe --bind-to none -np 2 rs-svd-mpi -k 8 --iterations 1 -v \
    -o pd.rsm c.rsm 2> err.txt
[ "$(grep -c "^rs-svd-mpi: rank [0-9]: .*; -j $want; " err.txt)" = 2 ]
ok $? "no -j: $want threads a rank ($cores cores, 2 ranks)"
# Bound to one core with -j 2: said once, and the model is still written.
timeout 120 mpirun --bind-to core -np 1 rs-svd-mpi -j 2 -k 8 --iterations 1 -o pb.rsm c.rsm 2> err.txt
st=$?
[ $st = 0 ] && [ -s pb.rsm ] &&
    [ "$(grep -c '^rs-svd-mpi: 1 of 1 ranks are bound to fewer cores than they could use (rank 0: -j 2, bound to 1 of its machine.s [0-9]* cores, 1 ranks there): give mpirun --bind-to none' err.txt)" = 1 ]
ok $? "-j 2 on a rank bound to one core: a warning, once"

# Usage errors and --help, parsed before MPI_Init by every rank: said once.
timeout 120 mpirun --oversubscribe -np 3 rs-svd-mpi -k x c.rsm > out.txt 2> err.txt
st=$?
[ $st = 2 ] && [ "$(grep -c "^rs-svd-mpi: -k: invalid integer 'x'" err.txt)" = 1 ] &&
    [ "$(grep -c "^Try 'rs-svd-mpi --help'" err.txt)" = 1 ]
ok $? "a usage error on 3 ranks: said once, exit $st"
timeout 120 mpirun --oversubscribe -np 2 rs-svd-mpi --bogus c.rsm > out.txt 2> err.txt
st=$?
[ $st = 2 ] && [ "$(grep -c "^rs-svd-mpi: unrecognized option '--bogus'" err.txt)" = 1 ]
ok $? "an unknown option on 2 ranks: getopt's message once, exit $st"
rs-svd-mpi --help > want.txt
timeout 120 mpirun --oversubscribe -np 2 rs-svd-mpi --help > out.txt 2> err.txt
st=$?
[ $st = 0 ] && cmp -s want.txt out.txt
ok $? "--help on 2 ranks: the help once"
