# --patience: training stops after N epochs (iterations) without a better
# validation metric and the model is the best epoch's, byte for byte the
# model of a run of that many epochs; its meta says that count.
rs-filter "$TESTDATA/ratings.csv" | rs-split --folds 5 --fold 1 -t valid.tsv | rs-index > train.rsm
rs-svd -a funk -k 8 --epochs 200 --reg 0.02 -j 1 --validate valid.tsv --patience 3 --curve c.tsv train.rsm > p.rsm 2> err
best=$(sed -n 's/^rs-svd: kept epoch \([0-9]*\) .*/\1/p' err)
test -n "$best" && test "$best" -lt 197
# the curve: a header and one row per epoch run, which stopped 3 after the best
test "$(head -1 c.tsv)" = "$(printf 'epoch\ttrain_rmse\tvalid_rmse\tseconds')"
test "$(tail -1 c.tsv | cut -f1)" = $((best + 3))
# the best row has the lowest validation RMSE of the curve
test "$(sed 1d c.tsv | sort -t '	' -k3,3g | head -1 | cut -f1)" = "$best"
rs-svd -a funk -k 8 --epochs "$best" --reg 0.02 -j 1 train.rsm > n.rsm
cmp p.rsm n.rsm
rs-index --list p.rsm | grep -qx "epochs=$best" && echo "funk ok"
# ALS and BPR with a ranking metric, larger is better
rs-filter --min-rating 4 "$TESTDATA/ratings.csv" | rs-split --last 3 -t test.tsv | rs-index > itrain.rsm
for a in als bpr; do
    rs-svd -a $a -k 8 --iterations 60 -j 1 --validate test.tsv --metric map@10 --patience 2 --curve $a.tsv itrain.rsm > $a.rsm 2> $a.err
    best=$(sed -n 's/^rs-svd: kept iteration \([0-9]*\) .*/\1/p' $a.err)
    test -n "$best"
    test "$(head -1 $a.tsv)" = "$(printf 'epoch\tvalid_map@10\tseconds')"
    test "$(sed 1d $a.tsv | sort -t '	' -k2,2gr -k1,1n | head -1 | cut -f1)" = "$best"
    rs-svd -a $a -k 8 --iterations "$best" -j 1 itrain.rsm > $a-n.rsm
    cmp $a.rsm $a-n.rsm
    echo "$a ok"
done
