# --format markdown: a GitHub table, numbers right-aligned, a model or user
# column left-aligned, a '|' in a cell escaped.
printf 'u|1\t1\ta\t1\nu2\t1\tb\t1\n' > recs.tsv
printf 'u|1\ta\nu2\tc\n' > test.tsv
rs-eval -t test.tsv -k 1 --format markdown recs.tsv 2>/dev/null
rs-eval -t test.tsv -k 1 --format md --per-user recs.tsv
rs-eval -t test.tsv -k 1 --format markdown --resamples 0 one=recs.tsv two=recs.tsv 2>/dev/null
printf 'u\ta\t4\n' > pred.tsv
printf 'u\ta\t5\n' > rated.tsv
rs-eval --predictions pred.tsv -t rated.tsv --format markdown
