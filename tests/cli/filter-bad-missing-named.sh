printf 'userId,movieId,timestamp\n1,4,100\n' > r.csv
rs-filter --columns userId,movieId,rating r.csv
