# --top N is -n N.
printf 'u1\ti1\nu1\ti2\nu2\ti2\nu2\ti3\nu3\ti3\n' > train.tsv
rs-index train.tsv > m.rsm
rs-recommend --top 1 m.rsm > a
rs-recommend -n 1 m.rsm | cmp - a
cat a
