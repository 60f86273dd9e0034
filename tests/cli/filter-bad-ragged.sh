printf 'userId,movieId,rating,timestamp\n1,10,4,100\n1,11,4,100\n1,20,3\n' > r.csv
rs-filter r.csv
