# ALS and BPR models serve rs-recommend like an SVD: lists for all users,
# --similar, and --history fold-in (for ALS with the exact solver, a
# training user's own rows give her own list back).
rs-filter --min-rating 4 --binary "$TESTDATA/ratings.csv" | rs-split --last 3 -t test.tsv > train.tsv
rs-index train.tsv > train.rsm
rs-svd -a als -k 16 -j 1 --solver cholesky train.rsm > als.rsm
rs-svd -a bpr -k 16 -j 1 train.rsm > bpr.rsm
for a in als bpr; do
    rs-recommend -n 10 -m $a.rsm > recs.tsv
    echo "$a: $(cut -f1 recs.tsv | sort -u | wc -l) users with lists"
    rs-eval -t test.tsv -k 10 < recs.tsv | awk -F'\t' -v a=$a 'NR == 2 { print a ": hit rate " ($3 > 0.05 ? "above 5%" : $3) }'
    rs-recommend -n 3 -m $a.rsm --similar 42 | awk -F'\t' -v a=$a 'END { print a ": " NR " similar items" }'
done
u=$(cut -f1 train.tsv | head -1)
awk -F'\t' -v u="$u" '$1 == u' train.tsv > hist.tsv
rs-recommend -n 10 -m als.rsm --user "$u" | cut -f2,3 > user.txt
rs-recommend -n 10 -m als.rsm --history hist.tsv | cut -f2,3 > hist.txt
cmp user.txt hist.txt && echo "als: --history of a training user gives her list"
rs-recommend -n 10 -m bpr.rsm --history hist.tsv | awk 'END { print "bpr: --history gives " NR " items" }'
