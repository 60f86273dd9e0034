# --include-seen keeps the user's own items in the ranking.
printf 'u1\ti1\nu2\ti1\nu2\ti2\n' | rs-index | rs-recommend --include-seen
