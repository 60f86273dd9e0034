#!/bin/sh
# make demo: the whole experiment on the bundled synthetic data (testdata/),
# first as the one pipe of the README, then every model side by side.
# Usage: examples/demo.sh [BIN_DIR [RATINGS]]   (RATINGS may be a real
# MovieLens ratings.csv, u.data or ratings.dat, .zst or not)
set -e
bin=$(cd "${1:-build/bin}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
ratings=${2:-$top/testdata/ratings.csv}
PATH=$bin:$PATH
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "rs demo: ${ratings#"$top"/}"
echo "ratings >= 4 kept, each user's last 5 (by time) held out as the test set"
echo
# tee keeps the training rows: rs-eval reads --train (popularity for
# novelty, the catalogue for coverage) after its input ends, when tee is done.
echo "\$ rs-filter --min-rating 4 ratings.csv | rs-split --last 5 -t test.tsv | tee train.tsv \\"
echo "    | rs-index | rs-svd -k 20 | rs-recommend -n 10 | rs-eval -t test.tsv --train train.tsv -k 1,5,10"
rs-filter --min-rating 4 "$ratings" | rs-split --last 5 -t test.tsv | tee train.tsv \
  | rs-index | rs-svd -k 20 | rs-recommend -n 10 \
  | rs-eval -t test.tsv --train train.tsv -k 1,5,10 --format table
echo

# The same split for every model: index the training part once.
rs-filter --min-rating 4 "$ratings" | rs-split --last 5 -t test.tsv > train.tsv
rs-index train.tsv > train.rsm
echo "Every model on the same split ($(wc -l < train.tsv) training, $(wc -l < test.tsv) test interactions), top-10:"
printf '%-40s %8s %8s %8s %8s %8s\n' model hitrate map ndcg mrr coverage
run() {
    name=$1; shift
    start=$(date +%s.%N)
    "$@" < train.rsm > model.rsm
    rs-recommend -n 10 < model.rsm | rs-eval -t test.tsv -k 10 --train train.tsv > report.tsv
    secs=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo "?")
    awk -F'\t' -v name="$name" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { printf "%-40s %8.4f %8.4f %8.4f %8.4f %8.4f\n", name, $c["hitrate"], $c["map"],
          $c["ndcg"], $c["mrr"], $c["coverage"] }' report.tsv
    # RS_DEMO_TSV=FILE: every model's metrics at K = 1, 5, 10, 20 as rows of
    # FILE (model, k, hitrate, map, ndcg, mrr), for the README's chart.
    if [ -n "$RS_DEMO_TSV" ]; then
        rs-recommend -n 20 < model.rsm | rs-eval -t test.tsv -k 1,5,10,20 --train train.tsv 2>/dev/null \
          | awk -F'\t' -v OFS='\t' -v name="$name" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
              { print name, $c["k"], $c["hitrate"], $c["map"], $c["ndcg"], $c["mrr"] }' >> "$RS_DEMO_TSV"
    fi
}
run "most popular (rs-recommend --popular)" sh -c 'cat'  # the matrix itself: popularity scorer
run "rs-svd -k 20"                       rs-svd -k 20
run "rs-svd -a als -k 32"                rs-svd -a als -k 32
run "rs-svd -a bpr -k 32"                rs-svd -a bpr -k 32 --iterations 100
run "rs-knn --users -k 20"               rs-knn --users -k 20
run "rs-knn --items -k 50"               rs-knn --items -k 50
run "rs-knn --items -k 50 --weight bm25" rs-knn --items -k 50 --weight bm25
run "rs-w2v --sg --epochs 20"            rs-w2v --sg --epochs 20 --min-count 1 -j 1
echo
echo "(hitrate, map, ndcg, mrr at K=10; definitions in man/rs-eval.1)"
