# A user model holds no item similarity: --similar is refused.
printf 'a\tx\na\ty\nb\tx\nb\tz\n' > t.tsv
rs-index t.tsv | rs-knn --users | rs-recommend --similar x
