# --binary: implicit feedback (ratings become 1, after the threshold); --limit N.
printf '1,a,4.5,10\n1,b,2,11\n2,a,5,12\n3,c,4,13\n' > r.csv
rs-filter --min-rating 4 --binary r.csv
echo ---
rs-filter --limit 2 r.csv
echo ---
printf 'x\ty\n' | rs-filter --binary
