# --validate needs ratings to compare with.
printf 'a\tx\t4\na\ty\t3\nb\tx\t5\nb\tz\t1\n' | rs-index > m.rsm
printf 'a\tz\nb\ty\n' > v.tsv
rs-svd -a funk -k 1 --validate v.tsv m.rsm > out.rsm
