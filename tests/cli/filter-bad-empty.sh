: > empty.csv
rs-filter empty.csv
