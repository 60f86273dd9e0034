# --items --sim jaccard: x and y have the same users (1), z shares one of
# three with each (1/3); the tie for z goes to the smaller index (x).
printf 'a\tx\na\ty\nb\tx\nb\ty\nb\tz\nc\tz\n' > abc.tsv
rs-index abc.tsv | rs-knn --items --sim jaccard -k 2 --neighbors
