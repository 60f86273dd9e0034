# --last without --by order needs timestamps; the message says what to do.
printf 'a\t1\t5\na\t2\t3\n' > in.tsv
rs-split --last 1 -t test.tsv in.tsv
