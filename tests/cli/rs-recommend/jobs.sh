# Output does not depend on the thread count (blocks are the same, and are
# written in user order whichever thread finished first).
rs-gen --users 300 --items 400 --ratings 9000 -f tsv | rs-index | rs-svd -k 8 -o m.rsm
rs-recommend -j 1 m.rsm > j1.tsv
rs-recommend -j 2 m.rsm > j2.tsv
cmp j1.tsv j2.tsv
rs-recommend -j 1 --batch 7 m.rsm > b1.tsv
rs-recommend -j 3 --batch 7 m.rsm > b3.tsv
cmp b1.tsv b3.tsv
test "$(wc -l < j1.tsv)" -eq 3000
