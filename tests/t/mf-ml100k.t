#!/bin/sh
# The learned factor models on real ml-100k (../shared/data; skipped when
# absent or under RS_TEST_QUICK=1), one fold each, against bounds a little
# looser than the measured figures (see man/rs-svd.1):
#  - FunkSVD, fold 1 of the rating-level 5-fold: RMSE with Surprise's
#    defaults (0.931 measured, 5-fold mean 0.927; Surprise's published
#    5-fold mean is 0.934; 0.941 on this fold with Surprise's --init-std
#    0.1) and with the tuned setting (0.910 measured, 5-fold mean 0.907);
#  - ALS and BPR on ratings >= 4, last 5 held out: NDCG@10 at `implicit`'s
#    settings (implicit 0.7.2 measured 0.106/0.109 for ALS, 0.090 for BPR);
#    BPR with the default negatives 0.099 measured (16 seeds: 0.095 to
#    0.099), with implicit's (--ns-exponent 1) 0.088.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=${RS_BIN:-$top/build/bin}:$PATH
data=$top/../shared/data/ml-100k/u.data.zst
if [ -n "$RS_TEST_QUICK" ]; then echo "1..0 # SKIP RS_TEST_QUICK"; exit 0; fi
if [ ! -f "$data" ]; then echo "1..0 # SKIP no ml-100k at ../shared/data"; exit 0; fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
n=0; fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else fail=$((fail + 1)); echo "not ok $n - $2"; fi; }
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }

rs-filter "$data" > all.tsv
rs-split --folds 5 --fold 1 -t test.tsv all.tsv | rs-index > train.rsm
rmse() {    # rs-svd options: the fold's RMSE
    rs-svd -a funk --range 1,5 "$@" train.rsm > funk.rsm &&
    rs-recommend --predict -m funk.rsm test.tsv 2>/dev/null > pred.tsv &&
    rs-eval --predictions pred.tsv -t test.tsv | awk -F'\t' 'NR == 2 { print $3 }'
}
r=$(rmse -k 100 --epochs 20 --lr 0.005 --reg 0.02)
below "$r" 0.94; ok $? "FunkSVD, Surprise's defaults: fold 1 RMSE $r <= 0.94"
r=$(rmse -k 100 --epochs 80 --lr 0.005 --reg 0.1)
below "$r" 0.918; ok $? "FunkSVD, --reg 0.1 --epochs 80: fold 1 RMSE $r <= 0.918"

rs-filter --min-rating 4 --binary "$data" | rs-split --last 5 -t itest.tsv | rs-index > itrain.rsm
ndcg() {    # rs-svd options: NDCG@10
    rs-svd "$@" itrain.rsm > m.rsm &&
    rs-recommend -n 10 -m m.rsm | rs-eval -t itest.tsv -k 10 | awk -F'\t' 'NR == 2 { print $7 }'
}
v=$(ndcg -a als -k 64 --iterations 15 --alpha 1 --reg 0.01)
below 0.106 "$v"; ok $? "ALS k=64 reg 0.01: NDCG@10 $v >= 0.106 (implicit 0.7.2)"
v=$(ndcg -a als -k 64 --iterations 15 --alpha 1 --reg 1)
below 0.109 "$v"; ok $? "ALS k=64 reg 1: NDCG@10 $v >= 0.109 (implicit 0.7.2)"
v=$(ndcg -a bpr -k 64 --iterations 100 -j 1)
below 0.093 "$v"; ok $? "BPR k=64, 100 iterations: NDCG@10 $v >= 0.093 (implicit 0.7.2: 0.090)"
v=$(ndcg -a bpr -k 64 --iterations 100 -j 1 --ns-exponent 1)
below 0.085 "$v"; ok $? "BPR with implicit's negatives: NDCG@10 $v >= 0.085 (implicit 0.7.2: 0.090)"
echo "1..$n"
[ "$fail" = 0 ]
