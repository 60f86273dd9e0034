# The assignment's pipe in small: FunkSVD clamped to 0.5..5, predictions of
# the test pairs, RMSE from rs-eval; the model keeps its options in meta.
rs-filter "$TESTDATA/ratings.csv" | rs-split --last 5 -t test.tsv | rs-index > train.rsm
rs-svd -a funk -k 20 --epochs 30 --range 0.5,5 -j 1 train.rsm > funk.rsm
rs-index --block meta funk.rsm | grep -E '^(model|k|epochs|range)='
cut -f1,2 test.tsv | rs-recommend --predict -m funk.rsm > pred.tsv 2>/dev/null
awk -F'\t' 'END { print NR " predictions" } $3 < 0.5 || $3 > 5 { print "out of range: " $0 }' pred.tsv
cmp -s pred.tsv "$(cut -f1,2 test.tsv | rs-recommend --predict -m funk.rsm 2>/dev/null > again.tsv; echo again.tsv)" && echo "same predictions twice"
rs-eval --predictions pred.tsv -t test.tsv | awk -F'\t' 'NR == 2 { print ($3 < 1.0 ? "rmse below 1" : "rmse " $3), ($5 > 0.8 ? "ndcg above 0.8" : "ndcg " $5) }'
