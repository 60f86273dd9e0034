# Same seed, same bytes, for any -j; stdin and a file give the same model.
rs-filter "$TESTDATA/ratings.csv" | rs-index > m.rsm
rs-svd -k 20 -j 1 m.rsm > a.rsm
rs-svd -k 20 -j 2 m.rsm > b.rsm
rs-svd -k 20 -j 3 < m.rsm > c.rsm
cmp a.rsm b.rsm
cmp a.rsm c.rsm
# Another seed: another start, the same singular values (to float precision).
rs-svd -k 20 --seed 7 m.rsm > d.rsm
! cmp -s a.rsm d.rsm
rs-index --block sigma a.rsm > sa
rs-index --block sigma d.rsm > sd
paste sa sd | awk '{ d = ($1 - $2) / $1; if (d < 0) d = -d; if (d > 1e-6) { print "sigma differs: " $0; exit 1 } }'
