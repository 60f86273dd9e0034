# -z: compressed blocks, the same model once decoded.
rs-filter "$TESTDATA/ratings.csv" | rs-index > m.rsm
rs-svd -k 5 m.rsm > a.rsm
rs-svd -k 5 -z m.rsm > z.rsm
test "$(wc -c < z.rsm)" -lt "$(wc -c < a.rsm)"
rs-index --block item_factors a.rsm > fa
rs-index --block item_factors z.rsm > fz
cmp fa fz
