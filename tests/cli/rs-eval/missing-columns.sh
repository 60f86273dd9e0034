# canonical TSV given where recommendations are expected
printf 'u\ta\n' > test.tsv
printf 'u\ta\t5\n' | rs-eval -t test.tsv
