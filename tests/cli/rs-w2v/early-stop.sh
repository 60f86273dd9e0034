# rs-w2v --validate: the metric after each epoch is rs-eval's of the model's
# lists at that epoch; --patience keeps the best epoch's vectors, so the
# written model scores exactly the best value of the curve.
rs-filter --min-rating 4 "$TESTDATA/ratings.csv" | rs-split --last 3 -t valid.tsv | rs-index > train.rsm
rs-w2v --sg --epochs 30 -j 1 --min-count 1 --validate valid.tsv --metric map@10 --patience 3 --curve c.tsv train.rsm > w.rsm 2> err
best=$(sed -n 's/^rs-w2v: kept epoch \([0-9]*\) .*/\1/p' err)
test -n "$best"
test "$(head -1 c.tsv)" = "$(printf 'epoch\tvalid_map@10\tseconds')"
test "$(tail -1 c.tsv | cut -f1)" = $((best + 3))
want=$(awk -F '\t' -v b="$best" '$1 == b { print $2 }' c.tsv)
got=$(rs-recommend -n 10 w.rsm | rs-eval -t valid.tsv -k 10 2>/dev/null | awk -F '\t' 'NR == 2 { print $6 }')
test "$want" = "$got" && echo "w2v: the kept model scores the curve's best"
# the same for ALS with NDCG (rs-eval's ndcg column)
rs-svd -a als -k 8 --iterations 20 -j 1 --validate valid.tsv --patience 2 --curve a.tsv train.rsm > a.rsm 2> err
best=$(sed -n 's/^rs-svd: kept iteration \([0-9]*\) .*/\1/p' err)
want=$(awk -F '\t' -v b="${best:-20}" '$1 == b { print $2 }' a.tsv)
got=$(rs-recommend -n 10 a.rsm | rs-eval -t valid.tsv -k 10 2>/dev/null | awk -F '\t' 'NR == 2 { print $7 }')
test "$want" = "$got" && echo "als: the kept model scores the curve's best"
