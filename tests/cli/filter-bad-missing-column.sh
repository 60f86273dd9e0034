printf 'userId,rating,timestamp\n1,4,100\n' > r.csv
rs-filter r.csv
