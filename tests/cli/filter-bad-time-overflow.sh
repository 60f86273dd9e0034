printf '1\t10\t4\t99999999999999999999\n' > r.tsv
rs-filter r.tsv
