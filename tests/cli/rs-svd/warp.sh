# --loss warp (-a bpr and -a hybrid): the same seed and -j give the same
# bytes, at -j 1 and -j 2; WARP's model is another than BPR's; it records
# loss=warp and max_sampled, which BPR's model does not have (--loss bpr is
# the default, byte for byte); warp's negatives are uniform unless told.
rs-filter "$TESTDATA/ratings.csv" > r.tsv
rs-index r.tsv > m.rsm
rs-index --item-features "$TESTDATA/movies.csv" r.tsv 2>/dev/null > f.rsm
for a in bpr hybrid; do
    in=m.rsm; [ $a = hybrid ] && in=f.rsm
    for j in 1 2; do
        rs-svd -a $a --loss warp -k 8 --iterations 5 -j $j $in > w1.rsm
        rs-svd -a $a --loss warp -k 8 --iterations 5 -j $j $in > w2.rsm
        cmp w1.rsm w2.rsm && echo "$a warp -j $j: same"
        rs-svd -a $a -k 8 --iterations 5 -j $j $in > b.rsm
        rs-svd -a $a --loss bpr -k 8 --iterations 5 -j $j $in > b2.rsm
        cmp b.rsm b2.rsm && echo "$a --loss bpr -j $j: the default"
        rs-index --block item_factors w1.rsm > wq.txt
        rs-index --block item_factors b.rsm > bq.txt
        cmp -s wq.txt bq.txt || echo "$a warp -j $j: not bpr's model"
    done
    rs-index --list w1.rsm | grep -E '^(loss|max_sampled|ns_exponent)='
    rs-index --list b.rsm | grep -q -E '^(loss|max_sampled)=' || echo "$a bpr: no loss keys"
done
rs-svd -a bpr --loss warp --max-sampled 3 --ns-exponent 0.5 -k 8 --iterations 5 m.rsm | rs-index --list |
    grep -E '^(max_sampled|ns_exponent)='
# Every model it writes is scored as any factor model.
rs-svd -a bpr --loss warp -k 8 --iterations 5 m.rsm > w.rsm
rs-recommend -m w.rsm -n 3 | awk -F'\t' 'END { print (NR > 0 ? "recommends" : "no lists") }'
