# --ids-from needs an rs binary with id maps: TSV is refused with a hint.
printf 'u1\ti1\t4\n' > train.tsv
rs-index --ids-from train.tsv train.tsv
