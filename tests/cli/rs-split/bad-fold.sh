printf 'a\t1\n' | rs-split --folds 5 --fold 0 -t t.tsv
