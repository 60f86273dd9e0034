printf 'a\tx\t3\n' > ratings.tsv
rs-svd -k 1 ratings.tsv > out.rsm
