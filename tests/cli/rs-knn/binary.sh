# --binary ignores the ratings: each pair of items shares one of two users.
printf 'u1\ti1\t5\nu1\ti2\t3\nu2\ti1\t4\nu2\ti3\t2\nu3\ti2\t1\nu3\ti3\t4\n' > r.tsv
rs-index r.tsv | rs-knn --items --binary -k 2 --neighbors
