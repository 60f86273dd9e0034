# --last 2 by time: ties broken by input order (the later line is more recent);
# a user with <= 2 rows is all test; both outputs keep input order.
printf 'u1\ti1\t4\t100\nu2\ti1\t3\t50\nu1\ti2\t5\t300\nu1\ti3\t2\t200\nu3\ti9\t1\t10\nu2\ti2\t4\t50\nu1\ti4\t3\t300\nu2\ti3\t5\t40\n' > in.tsv
rs-split --last 2 -t test.tsv in.tsv
echo '== test'
cat test.tsv
