printf 'userId,movieId,rating,timestamp\n1,2,3.5,2005-02-30 10:00:00\n' > r.csv
rs-filter r.csv
