# Lines may come in any order and ranks may skip: ranks only order a user's
# list.  Both inputs give the same report.  Fields after the score (titles)
# are ignored.
printf 'u\ta\nu\tb\n' > test.tsv
printf 'u\t1\tx\t3\tX (1999)\nu\t2\ta\t2\tA (2001)\nu\t3\tb\t1\tB\n' | rs-eval -t test.tsv -k 1,2,3 > sorted.out
printf 'u\t30\tb\t1\nu\t20\ta\t2\nu\t7\tx\t3\n' | rs-eval -t test.tsv -k 1,2,3 > shuffled.out
cmp sorted.out shuffled.out
cat sorted.out
