printf 'u\ta\n' > test.tsv
printf 'u\t1\ta\t1\nv\t1\ta\t1\nu\t1\tb\t1\n' | rs-eval -t test.tsv
