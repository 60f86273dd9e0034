# With -j 1 every algorithm gives the same bytes twice; ALS, whose rows are
# solved independently, gives them for any -j; funk's and bpr's blocks make
# -j 2 deterministic too; another seed changes funk.
rs-filter "$TESTDATA/ratings.csv" | rs-index > m.rsm
for a in funk als bpr; do
    rs-svd -a $a -k 8 -j 1 m.rsm > $a.1
    rs-svd -a $a -k 8 -j 1 m.rsm > $a.2
    cmp $a.1 $a.2 && echo "$a -j 1: same"
done
for a in funk bpr; do
    rs-svd -a $a -k 8 -j 2 m.rsm > $a.j2a
    rs-svd -a $a -k 8 -j 2 m.rsm > $a.j2b
    cmp $a.j2a $a.j2b && echo "$a -j 2: same"
done
rs-svd -a als -k 8 -j 3 m.rsm > als.3
cmp als.1 als.3 && echo "als -j 3: same as -j 1"
rs-svd -a funk -k 8 -j 1 --seed 7 m.rsm > funk.7
cmp -s funk.1 funk.7 || echo "funk --seed 7: another model"
