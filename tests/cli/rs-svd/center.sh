# --center user: the means (over all items, zeros included) become user_bias.
printf 'a\tx\t4\na\ty\t2\nb\tx\t3\nb\tz\t3\nc\ty\t1\n' | rs-index > m.rsm
rs-svd -k 1 --center user m.rsm > u.rsm
rs-index --block user_bias u.rsm
rs-index --list u.rsm | grep -c '^item_bias' || true
rs-index --list u.rsm | grep '^center='
rs-svd -k 1 --center item m.rsm > i.rsm
rs-index --block item_bias i.rsm
rs-svd -k 1 --center global m.rsm > g.rsm
rs-index --list g.rsm | grep '^global_bias='
