printf 'u\ta\n' > test.tsv
printf 'u\ta\t4.5\n' > pred.tsv
rs-eval --predictions pred.tsv -t test.tsv
