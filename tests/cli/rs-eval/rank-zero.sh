printf 'u\ta\n' > test.tsv
printf 'u\t0\ta\t1\n' > recs.tsv
rs-eval -t test.tsv recs.tsv
