# TSV where the binary matrix is expected: a clear error and a hint.
printf 'a\tx\n' | rs-knn --items
