# An output that cannot be written is an error (exit 1) naming it.
printf 'a\tx\na\ty\nb\tx\n' | rs-index | rs-knn --items -o /nonexistent/m.rsm
