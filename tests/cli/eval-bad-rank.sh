printf 'u\ta\n' > test.tsv
printf 'u\t1\ta\t1\nu\t2.5\tb\t1\n' | rs-eval -t test.tsv
