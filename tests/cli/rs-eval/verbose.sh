# -v says on stderr what each input held; the report itself is unchanged.
printf 'u\ta\t5\nv\tc\t4\n' > test.tsv
printf 'u\ta\t5\nu\tb\t3\nv\tb\t2\n' > train.tsv
printf 'u\t1\ta\t1\nu\t2\tc\t1\nv\t1\tc\t1\n' > recs.tsv
rs-eval -t test.tsv -k 1 recs.tsv > quiet.tsv
rs-eval -v -t test.tsv --train train.tsv -k 1 < recs.tsv > loud.tsv
rs-eval -t test.tsv --train train.tsv -k 1 recs.tsv | cmp - loud.tsv
cut -f 1-8 quiet.tsv
