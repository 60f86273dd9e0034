# An SVD written over another model keeps none of its blocks or meta: a
# stale range= would clamp the SVD's predictions, stale biases shift them.
rs-filter "$TESTDATA/ratings.csv" | rs-index > m.rsm
rs-svd -a funk -k 4 --epochs 1 --range 1,5 m.rsm > funk.rsm
rs-svd -k 4 funk.rsm > svd.rsm
rs-index --list svd.rsm | sed -n '/^#meta/,$p'
rs-index --list svd.rsm | grep -c '^user_bias\|^item_bias' || true
