printf 'userId,movieId,rating,timestamp\n1,10,4.0,100\n1,20,abc,101\n' > ratings.csv
rs-filter ratings.csv
