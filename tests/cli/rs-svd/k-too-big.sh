printf 'a\tx\t3\nb\ty\t2\nc\tz\t1\nc\tw\t1\n' | rs-index > m.rsm
rs-svd -k 4 m.rsm > out.rsm
