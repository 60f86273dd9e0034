printf '# only a comment\n' | rs-split --last 1 -t test.tsv
