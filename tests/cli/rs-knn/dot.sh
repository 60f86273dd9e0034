# --sim dot: plain dot products of the rating rows (a.b = 5*4 + 3*2).
printf 'a\tx\t5\na\ty\t3\na\tz\t1\nb\tx\t4\nb\ty\t2\nc\tx\t1\nc\tz\t5\n' > p.tsv
rs-index p.tsv | rs-knn --users --sim dot -k 2 --neighbors
