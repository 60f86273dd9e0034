# -o FILE writes the file (and nothing to stdout).
printf '1,2,3\n' > r.csv
rs-filter -o out.tsv r.csv
cat out.tsv
