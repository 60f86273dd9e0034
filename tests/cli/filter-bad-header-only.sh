printf 'userId,movieId,rating,timestamp\n' > h.csv
rs-filter h.csv
