#!/bin/sh
# make demo: the whole experiment on the bundled synthetic data, one pipe
# per model, then the report.  Usage: examples/demo.sh BIN_DIR [RATINGS]
set -e
bin=$(cd "${1:-build/bin}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
ratings=${2:-$top/testdata/ratings.csv}
PATH=$bin:$PATH
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "== rs demo on $(basename "$ratings"): ratings >= 4, last 5 per user held out =="
rs-filter --min-rating 4 "$ratings" | rs-split --last 5 -t test.tsv > train.tsv
echo "train: $(wc -l < train.tsv) interactions, test: $(wc -l < test.tsv)"
echo

echo "-- SVD k=20, top-10 (one pipe: filter | split | index | svd | recommend | eval)"
rs-filter --min-rating 4 "$ratings" | rs-split --last 5 -t test.tsv \
  | rs-index | rs-svd -k 20 | rs-recommend -n 10 | rs-eval -t test.tsv -k 1,5,10 --train train.tsv
echo
echo "-- most popular, top-10"
rs-index train.tsv | rs-recommend --popular -n 10 | rs-eval -t test.tsv -k 1,5,10 --train train.tsv
for m in "rs-knn --items -k 50" "rs-knn --users -k 20" "rs-w2v --sg --epochs 10 --min-count 1" "rs-svd -a als -k 32" "rs-svd -a bpr -k 32"; do
    prog=${m%% *}
    [ -x "$bin/$prog" ] || continue
    "$bin/$prog" --help 2>/dev/null | grep -q -- "${m#* }" 2>/dev/null || true
    if rs-index train.tsv | $m > model.rs 2>/dev/null; then
        echo
        echo "-- $m, top-10"
        rs-recommend -n 10 < model.rs | rs-eval -t test.tsv -k 1,5,10 --train train.tsv
    fi
done
