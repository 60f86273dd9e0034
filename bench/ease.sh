#!/bin/sh
# bench/ease.sh BIN: rs-knn -a ease on a synthetic file with EASE_ITEMS
# items (default 26744, the ML-20M catalogue: the fit then needs 8.6 GB)
# against, in the same run, (1) the bare LAPACK factor-and-invert of an
# ITEMS x ITEMS matrix (bench/potri-time.c: dpotrf + dpotri, the step EASE
# cannot avoid; target: rs within 1.5x of it) and (2) the numpy reference
# (bench/peers/ease_numpy.py: its Gram matrix and inverse; target: rs
# faster).  Users and ratings scale with ITEMS from ML-20M's proportions.
set -e
bin=$(cd "${1:?usage: bench/ease.sh BIN}" && pwd)
items=${EASE_ITEMS:-26744}
here=$(cd "$(dirname "$0")" && pwd)
PATH=$bin:$PATH
py=/usr/bin/python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
users=$((items * 138493 / 26744)) ratings=$((items * 20000263 / 26744))
rs-gen -u "$users" -i "$items" -r "$ratings" | rs-filter --min-rating 4 > "$tmp/train.tsv"
rs-index "$tmp/train.tsv" > "$tmp/m.rsm"
n=$(rs-index --list "$tmp/m.rsm" | awk '$1 == "items" { print $3 }')
t0=$(date +%s.%N)
rs-knn -a ease --binary --reg 500 "$tmp/m.rsm" > "$tmp/ease.rsm"
t1=$(date +%s.%N)
lapack=$(potri-time -n "$n" | sed -n 's/.*: \([0-9.]*\) s wall.*/\1/p')
awk -v a="$t0" -v b="$t1" -v l="$lapack" -v n="$n" 'BEGIN {
    printf "ease: %d items: rs-knn -a ease %.2f s, bare dpotrf+dpotri %.2f s: %.2fx of LAPACK (target <= 1.5x)\n",
           n, b - a, l, (b - a) / l }'
if $py -c 'import numpy, scipy, pandas' 2>/dev/null; then
    $py "$here/peers/ease_numpy.py" "$tmp/train.tsv" 500 10 "$tmp/py.tsv" --binary 2> "$tmp/py.err" || true
    awk -v a="$t0" -v b="$t1" '$1 == "gram" || $1 == "inverse" { s += $2 }
        END { printf "ease: numpy Gram + inverse %.2f s, rs fit %.2f s: rs %.1fx faster\n", s, b - a, s / (b - a) }' "$tmp/py.err"
fi
