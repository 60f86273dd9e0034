# --score count: the number of neighbours who have the item.
printf 'a\tx\na\ty\nb\tx\nb\ty\nb\tz\nc\tz\n' > abc.tsv
rs-index abc.tsv | rs-knn --users -k 2 --score count | rs-recommend -n 3
