# Two inputs cannot both be standard input: the second would read nothing.
printf 'u1\ti1\nu1\ti2\nu2\ti2\n' > train.tsv
rs-index train.tsv > m.rsm
printf 'x\ti1\n' | rs-recommend -m m.rsm --history - --items -
