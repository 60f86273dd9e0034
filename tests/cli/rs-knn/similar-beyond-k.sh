# --similar on an item model lists the exact similarities, beyond the k
# kept in the model (k = 1 here, two items listed), never the item itself.
printf 'u1\ti1\t5\nu1\ti2\t3\nu2\ti1\t4\nu2\ti3\t2\nu3\ti2\t1\nu3\ti3\t4\n' > r.tsv
rs-index r.tsv | rs-knn --items -k 1 -o m.rsm
rs-knn --items -k 1 --neighbors < m.rsm
rs-recommend -m m.rsm --similar i1 -n 5
