printf '1,2,3,4\n' > a.csv; printf '1,2,3\n' > b.csv
rs-filter a.csv b.csv
