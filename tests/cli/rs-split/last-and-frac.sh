printf 'a\t1\n' | rs-split --last 1 --frac 0.5 -t t.tsv
