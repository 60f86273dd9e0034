# A user model through rs-recommend: a gets b's z (sim 2/sqrt(6)); c gets
# b's x and y (1/sqrt(3), tie in index order); b has nothing new to get
# from a or c, so no line at all (items no neighbour has are not listed).
printf 'a\tx\na\ty\nb\tx\nb\ty\nb\tz\nc\tz\n' > abc.tsv
rs-index abc.tsv | rs-knn --users -k 2 | rs-recommend -n 3
