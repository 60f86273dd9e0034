# -v: the dialect of each input and what each step kept and dropped.
printf 'userId,movieId,rating,timestamp\nu1,a,5,10\nu1,b,4,11\nu1,a,3,12\nu2,a,4,13\nu2,c,1,14\n' > r.csv
rs-filter -v --min-rating 2 --min-item-users 2 r.csv >/dev/null
