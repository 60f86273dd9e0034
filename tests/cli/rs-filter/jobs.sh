# -j: a big file read by two threads gives what one thread gives, byte for
# byte, from a named file, from stdin redirected from the file, from a pipe
# and from a zstd stream (blocks read, then parsed in two pieces at once).
# (17 MiB: the least that two threads take on.)
awk 'BEGIN { print "userId,movieId,title,rating,timestamp";
             for (k = 0; k < 520000; k++)
                 printf "%d,m%d,\"Title, %d\",%d.5,%d\n", k % 7919, (k * 31) % 4099, k % 13, k % 5, 1e9 + k }' > big.csv
rs-filter -j 1 --min-user-items 3 big.csv > one.tsv
rs-filter -j 2 -v --min-user-items 3 big.csv 2> two.err > two.tsv
cmp one.tsv two.tsv && echo "named file: same output"
grep -o '(2 threads)' two.err
rs-filter -j 2 --min-user-items 3 < big.csv | cmp - one.tsv && echo "stdin from a file: same output"
cat big.csv | rs-filter -j 2 -v --min-user-items 3 2> pipe.err | cmp - one.tsv && echo "pipe: same output"
grep -o '(2 threads)' pipe.err
zstd -q -c big.csv | rs-filter -j 2 --min-user-items 3 | cmp - one.tsv && echo "zstd pipe: same output"
wc -l < one.tsv
