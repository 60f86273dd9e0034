# MovieLens ratings.csv: header userId,movieId,rating,timestamp; ratings like 4.0 print as 4.
printf 'userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.0,964981247\n2,318,3.5,1445714835\n2,333,0.5,1445715029\n' > ratings.csv
rs-filter ratings.csv
