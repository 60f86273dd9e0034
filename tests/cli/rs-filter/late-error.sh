# An error far into a big file read by two threads (in the second piece,
# parsed while the first is) names its true line and field, as one thread
# does, from a file, a pipe and a zstd stream; of two bad lines the first
# in the file is reported.  A quoted title holding a line break earlier on
# keeps the count right.  (20 MiB: two pieces of at least 8 MiB.)
awk 'BEGIN { print "userId,movieId,title,rating,timestamp";
             for (k = 1; k < 600000; k++) {
                 if (k == 300000) { print "7,8,\"two\nlines\",4,1000"; continue }
                 r = k == 590001 ? "x" : k == 590003 ? "" : (k % 5) ".5";
                 printf "%d,%d,t,%s,%d\n", k % 7919, (k * 31) % 4099, r, 1e9 + k } }' > late.csv
rs-filter -j 2 late.csv 2>&1 >/dev/null || echo "exit $?"
rs-filter -j 1 late.csv 2>&1 >/dev/null || echo "exit $?"
cat late.csv | rs-filter -j 2 2>&1 >/dev/null || echo "exit $?"
zstd -q -c late.csv | rs-filter -j 3 2>&1 >/dev/null || echo "exit $?"
sed 590003d late.csv | rs-filter -j 2 2>&1 >/dev/null || echo "exit $?"
