# --history on an item model: a new user with i1 (value 1) gets row i1 of
# the neighbour matrix; the unknown item zz is ignored.
printf 'u1\ti1\t5\nu1\ti2\t3\nu2\ti1\t4\nu2\ti3\t2\nu3\ti2\t1\nu3\ti3\t4\n' > r.tsv
printf 'new\ti1\t1\nnew\tzz\t3\n' > h.tsv
rs-index r.tsv | rs-knn --items -k 2 | rs-recommend --history h.tsv -n 5
