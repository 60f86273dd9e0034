# A full disk is an error (exit 1), not a silent truncation.
printf 'a\tx\na\ty\nb\tx\n' | rs-index | rs-knn --items --neighbors > /dev/full
