printf 'u\ta\n' > test.tsv
printf 'u\t1\ta\t1\n' | rs-eval -t test.tsv --relevant 4
