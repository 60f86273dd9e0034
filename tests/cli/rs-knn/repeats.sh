# Repeated (user, item) pairs are summed: u1 rates i1 2 and then 3, which
# is the model of u1 rating i1 5 once.
printf 'u1\ti1\t2\nu1\ti2\t3\nu2\ti1\t4\nu2\ti3\t2\nu3\ti2\t1\nu3\ti3\t4\nu1\ti1\t3\n' > dup.tsv
printf 'u1\ti1\t5\nu1\ti2\t3\nu2\ti1\t4\nu2\ti3\t2\nu3\ti2\t1\nu3\ti3\t4\n' > r.tsv
rs-index dup.tsv | rs-knn --items -k 2 --neighbors > a.tsv
rs-index r.tsv | rs-knn --items -k 2 --neighbors > b.tsv
cmp a.tsv b.tsv
cat a.tsv
