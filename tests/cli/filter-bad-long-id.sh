printf 'userId,movieId,rating,timestamp\n1,2,3,4\n' > r.csv
awk 'BEGIN { s = ""; for (k = 0; k < 10000; k++) s = s "x"; print "5," s ",3,4" }' >> r.csv
rs-filter r.csv
