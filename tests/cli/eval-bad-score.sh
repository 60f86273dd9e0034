printf 'u\ta\n' > test.tsv
printf 'u\t1\ta\thigh\n' | rs-eval -t test.tsv
