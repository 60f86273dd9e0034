printf 'u\ta\t4\n' > test.tsv
printf 'u\ta\t4.5\nu\tb\t1\nu\ta\t3\n' > pred.tsv
rs-eval --predictions pred.tsv -t test.tsv
