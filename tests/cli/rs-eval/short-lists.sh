# Lists shorter than K keep the definition (precision@K divides by K) and
# stderr says how many users had one, at the largest K: u1 has 2 items, u2
# 5, u3 none (counted as zeros, not as a short list); at K=5 one user is short.
printf 'u1\ta\nu2\tb\nu3\tc\n' > test.tsv
printf 'u1\t1\ta\t1\nu1\t2\tx\t1\n' > recs.tsv
for r in 1 2 3 4 5; do printf 'u2\t%s\ti%s\t1\n' $r $r; done >> recs.tsv
rs-eval -t test.tsv --train test.tsv -k 5,2 recs.tsv | cut -f 1-4
