#!/bin/sh
# rs-svd -a hybrid at ML-20M size (the FunkSVD assignment's two-tower model
# ran out of memory there), side by side with rs's BPR at the same k and
# iterations (LightFM is not packaged in Debian, so it is not run).
# Items get rs-gen --movies's generated genres and title years (a
# movies.csv for the default, ML-20M-sized file), read as MovieLens's.  Reports the
# wall and CPU seconds and the peak resident memory of each command
# (/usr/bin/time -f %M).
# Usage: bench/hybrid.sh BIN_DIR [RATINGS.csv] [ITERATIONS]
#   (default /tmp/rs-bench/ml20.csv, made with rs-gen when absent; 5)
# Measured (2 shared cores, load 4 to 8; k 64, 5 iterations, -j 2):
#   bpr     19.2 s wall   11.7 CPU s   661 MB peak
#   hybrid  82.5 s wall   73.1 CPU s   662 MB peak
# (CPU seconds move with the machine's load: the code before its last
# change, run next, took 113.4 CPU s against BPR's 17.9 in the same run.)
set -e
bin=$(cd "${1:-build/bin}" && pwd)
data=${2:-/tmp/rs-bench/ml20.csv}
it=${3:-5}
if [ ! -s "$data" ]; then
    echo "hybrid: generating $data (ML-20M size) ..."
    mkdir -p "$(dirname "$data")"
    "$bin/rs-gen" > "$data.tmp" && mv "$data.tmp" "$data"
fi
data=$(cd "$(dirname "$data")" && pwd)/$(basename "$data")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
"$bin/rs-filter" "$data" > r.tsv
"$bin/rs-gen" --movies > movies.csv    # the same defaults: the same items
"$bin/rs-index" --item-features movies.csv r.tsv > m.rsm
rm r.tsv
echo "hybrid: $("$bin/rs-index" --list m.rsm | awk '$1 == "indices" { print $3 " ratings" } $1 == "ifeat_names" { print $3 " item features" }' | paste -sd, -), $(nproc) cores, -k 64, $it iterations"
run() {
    name=$1; shift
    t0=$(date +%s.%N)
    /usr/bin/time -f '%U %S %M' -o "$name.res" "$@" > /dev/null 2> "$name.log"
    t1=$(date +%s.%N)
    awk -v n="$name" -v a="$t0" -v b="$t1" 'END { printf "%-7s %7.1f s wall %7.1f CPU s %6.0f MB peak\n", n, b - a, $1 + $2, $3 / 1024 }' "$name.res"
}
run bpr "$bin/rs-svd" -a bpr -k 64 --iterations "$it" -j 2 m.rsm
run hybrid "$bin/rs-svd" -a hybrid -k 64 --iterations "$it" -j 2 m.rsm
