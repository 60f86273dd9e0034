printf 'userId,movieId,rating,timestamp\n1,10,NaN,100\n' > r.csv
rs-filter r.csv
