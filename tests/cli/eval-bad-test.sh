printf 'u\ta\t4\nu\tb\tx\n' > test.tsv
printf 'u\t1\ta\t1\n' | rs-eval -t test.tsv
