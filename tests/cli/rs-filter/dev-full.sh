# A full disk is a write error, exit 1.
printf '1,2,3\n' > r.csv
rs-filter r.csv > /dev/full
