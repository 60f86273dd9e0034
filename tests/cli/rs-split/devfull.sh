# A full disk on stdout is a clear error with exit status 1.
printf 'a\t1\t4\t1\na\t2\t3\t2\nb\t1\t5\t3\n' > in.tsv
rs-split --last 1 -t test.tsv in.tsv > /dev/full
