# --sim pearson: each user minus her own mean (3 for all three here):
# a (2,0,-2), b (1,-1), c (-2,2) over x,y,z give a.b = 0.5, a.c = -1,
# b.c = -0.5; only positive similarities make neighbours, so c has none.
printf 'a\tx\t5\na\ty\t3\na\tz\t1\nb\tx\t4\nb\ty\t2\nc\tx\t1\nc\tz\t5\n' > p.tsv
rs-index p.tsv | rs-knn --users --sim pearson -k 2 --neighbors
