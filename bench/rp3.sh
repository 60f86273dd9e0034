#!/bin/sh
# bench/rp3.sh BIN RATINGS.csv: rs-knn -a rp3 against the scipy reference
# (bench/peers/rp3_numpy.py: the same W, block by block, and the same
# lists) on the ML-20M-sized file, ratings >= 4, k = 100, alpha 0.4,
# beta 0.6, --binary.  RP3_LINES=N keeps the first N lines of the file
# (the full file's W takes the reference many minutes).  Both are timed
# from the TSV to the lists of 10; target: rs faster.
set -e
bin=${1:?usage: bench/rp3.sh BIN RATINGS.csv}
bin=$(cd "$bin" && pwd)
data=${2:?usage: bench/rp3.sh BIN RATINGS.csv}
here=$(cd "$(dirname "$0")" && pwd)
PATH=$bin:$PATH
jobs=${JOBS:-$(nproc)}
py=/usr/bin/python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if [ -n "$RP3_LINES" ]; then head -n "$RP3_LINES" "$data" > "$tmp/in.csv"; else cp "$data" "$tmp/in.csv"; fi
rs-filter --min-rating 4 --binary "$tmp/in.csv" > "$tmp/train.tsv"
t0=$(date +%s.%N)
rs-index "$tmp/train.tsv" | rs-knn -a rp3 --alpha 0.4 --beta 0.6 -k 100 -j "$jobs" |
    rs-recommend -n 10 -j "$jobs" > "$tmp/rs.tsv"
t1=$(date +%s.%N)
if ! $py -c 'import numpy, scipy, pandas' 2>/dev/null; then
    echo "rp3: rs $(echo "$t1 - $t0" | bc) s; no numpy/scipy/pandas: no peer figures"; exit 0
fi
$py "$here/peers/rp3_numpy.py" "$tmp/train.tsv" 0.4 0.6 100 10 "$tmp/py.tsv" 2> "$tmp/py.err"
t2=$(date +%s.%N)
same=$($py "$here/../tests/t/rp3_cmp.py" "$tmp/rs.tsv" "$tmp/py.tsv" | head -1) || true
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$(wc -l < "$tmp/train.tsv")" -v j="$jobs" -v s="$same" 'BEGIN {
    printf "rp3: %d interactions, -j %d: rs-index | rs-knn -a rp3 | rs-recommend %.2f s, scipy reference %.2f s: rs %.1fx faster (%s)\n",
           n, j, b - a, c - b, (c - b) / (b - a), s }'
