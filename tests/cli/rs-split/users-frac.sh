# --users-frac: whole users go to test; the same seed gives the same users,
# another seed other users (10 users, 0.3 -> 3 test users).
for u in 1 2 3 4 5 6 7 8 9 10; do printf "$u\tx\n$u\ty\n"; done > in.tsv
rs-split --users-frac 0.3 -t a.tsv in.tsv > a.train
rs-split --users-frac 0.3 -t b.tsv in.tsv > b.train
rs-split --users-frac 0.3 --seed 2 -t c.tsv in.tsv > c.train
cmp a.tsv b.tsv && cmp a.train b.train
cmp -s a.tsv c.tsv && echo 'seed 2 gave the same users' || echo 'seed 2 differs'
cut -f1 a.tsv | sort -u | wc -l
cut -f1 a.tsv | sort -u > tu; cut -f1 a.train | sort -u > ru
comm -12 tu ru | wc -l
wc -l < a.tsv
