# -o writes the model to a file, -z compresses its blocks; both are models
# rs-recommend reads alike, and the meta says what was built.
printf 'u1\ti1\t5\nu1\ti2\t3\nu2\ti1\t4\nu2\ti3\t2\nu3\ti2\t1\nu3\ti3\t4\n' > r.tsv
rs-index r.tsv > r.rsm
rs-knn --items -k 2 --weight bm25 -o plain.rsm r.rsm
rs-knn --items -k 2 --weight bm25 -z r.rsm > z.rsm
rs-recommend -m plain.rsm -n 2 > a.tsv
rs-recommend -m z.rsm -n 2 | cmp - a.tsv
rs-index --block meta z.rsm | grep -v '^columns='
