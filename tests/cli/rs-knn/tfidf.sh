# --weight tfidf as implicit's TFIDFRecommender: N = 3 items, a user with n
# items weighs log(3) - log(1 + n): a 0, b log(3/4), c log(3/2).  Unit
# columns: x = y = (0, -1), z = (-0.578657, 0.815580) over (a, b, c).
printf 'a\tx\na\ty\nb\tx\nb\ty\nb\tz\nc\tz\n' > abc.tsv
rs-index abc.tsv | rs-knn --items --weight tfidf -k 2 --neighbors
