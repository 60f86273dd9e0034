# --users --neighbors: cosine over user rows, hand-checked: a.b = 2/sqrt(6),
# b.c = 1/sqrt(3); a and c share nothing, so they are not neighbours.
printf 'a\tx\na\ty\nb\tx\nb\ty\nb\tz\nc\tz\n' > abc.tsv
rs-index abc.tsv | rs-knn --users -k 2 --neighbors
