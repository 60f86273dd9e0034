# A UTF-8 byte order mark is not part of the first user's id.
printf '\357\273\277a\t1\t4\t1\na\t2\t4\t2\nb\t1\t3\t3\nb\t2\t5\t4\n' > in.tsv
rs-split --last 1 -t test.tsv in.tsv
cat test.tsv
