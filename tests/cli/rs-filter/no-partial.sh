# Bad data with -o FILE leaves no file, not even a temporary one.
printf '1,2,3\n1,2,x\n' > r.csv
rs-filter -o out.tsv r.csv 2>/dev/null && exit 3
ls out.tsv* 2>/dev/null | wc -l
