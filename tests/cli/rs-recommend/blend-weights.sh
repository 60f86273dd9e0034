# A blend whose weight is all on one model gives that model's lists, byte
# for byte: every user, --user, --history fold-in, any -j.
rs-filter --min-rating 4 "$TESTDATA/ratings.csv" | rs-split --last 5 -t test.tsv > train.tsv
rs-index train.tsv > m.rsm
rs-knn -a ease --reg 50 m.rsm > ease.rsm
rs-svd -k 8 m.rsm > svd.rsm
head -30 test.tsv | sed 's/^/new-/' > new.tsv
u=$(head -1 test.tsv | cut -f1)
for w in 1,0 0,1; do
    [ $w = 1,0 ] && one=ease.rsm || one=svd.rsm
    rs-recommend -m $one -j1 > want.tsv
    rs-recommend -m ease.rsm -m svd.rsm --weights $w -j2 > got.tsv
    cmp want.tsv got.tsv && echo "$w: all users, as $one"
    rs-recommend -m $one -u "$u" > want.tsv
    rs-recommend -m ease.rsm -m svd.rsm --weights $w -u "$u" > got.tsv
    cmp want.tsv got.tsv && echo "$w: --user, as $one"
    rs-recommend -m $one --history new.tsv > want.tsv
    rs-recommend -m ease.rsm -m svd.rsm --weights $w --blend rrf --history new.tsv > got.tsv
    cmp want.tsv got.tsv && echo "$w: --history, as $one"
done
# An equal blend is neither model, and the same for any -j.
rs-recommend -m ease.rsm -m svd.rsm -j1 > b1.tsv
rs-recommend -m ease.rsm -m svd.rsm -j2 --batch 7 > b2.tsv
cmp b1.tsv b2.tsv && echo "equal blend: same lists for -j1 and -j2"
rs-recommend -m ease.rsm > e.tsv
cmp -s b1.tsv e.tsv || echo "equal blend: not ease's lists"
[ "$(wc -l < b1.tsv)" = "$(wc -l < e.tsv)" ] && echo "equal blend: as many lines"
