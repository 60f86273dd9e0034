# --order time trains on each user's items sorted by timestamp (ties in
# input order): the same model as input already in that order (u0 fixes
# the items' first-seen order, on which the initial vectors depend).  The stored
# training matrix keeps the input order either way.
printf 'u0\ti1\t1\t1\nu0\ti2\t1\t2\nu0\ti3\t1\t3\nu0\ti4\t1\t4\n' > u0.tsv
printf 'u1\ti1\t5\t30\nu1\ti2\t4\t10\nu1\ti3\t5\t20\nu1\ti4\t3\t10\nu2\ti3\t4\t5\nu2\ti1\t4\t1\nu2\ti2\t4\t3\n' > a.tsv
printf 'u1\ti2\t4\t10\nu1\ti4\t3\t10\nu1\ti3\t5\t20\nu1\ti1\t5\t30\nu2\ti1\t4\t1\nu2\ti2\t4\t3\nu2\ti3\t4\t5\n' > b.tsv
rs-w2v -j 1 --sg -k 4 --sample 0 --min-count 1 --order time u0.tsv a.tsv | rs-index --block w2v_in > ta.txt
rs-w2v -j 1 --sg -k 4 --sample 0 --min-count 1 u0.tsv b.tsv | rs-index --block w2v_in > tb.txt
rs-w2v -j 1 --sg -k 4 --sample 0 --min-count 1 u0.tsv a.tsv | rs-index --block w2v_in > ia.txt
cmp -s ta.txt tb.txt && echo "time order = input sorted by time"
cmp -s ta.txt ia.txt || echo "input order differs"
rs-w2v -j 1 --order time --min-count 1 a.tsv | rs-index --decode | head -4
rs-w2v -j 1 --order time --min-count 1 a.tsv | rs-index --list | grep '^order='
