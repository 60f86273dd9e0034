# --history on a user model: n (x, y) is most like a (1) and b (0.816497),
# and gets b's z; m (z twice: summed, then unit length, like c) is most like
# c (1, nothing new) and b (0.57735), and gets x and y.
printf 'a\tx\na\ty\nb\tx\nb\ty\nb\tz\nc\tz\n' > abc.tsv
printf 'n\tx\nn\ty\nm\tz\nm\tz\n' > h.tsv
rs-index abc.tsv | rs-knn --users -k 2 | rs-recommend --history h.tsv -n 5
