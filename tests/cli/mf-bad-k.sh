# rs-svd -a funk|als|bpr: more factors than min(users, items) is a usage error.
printf 'a\tx\t4\na\ty\t3\nb\tx\t5\nb\tz\t1\n' | rs-index > m.rsm
rs-svd -a als -k 4 m.rsm > out.rsm
