printf 'a\t1\n' | rs-split --frac 1.5 -t t.tsv
