# A bare matrix from rs-index is scored by popularity: training users per
# item, each user's own items left out, ties to the item seen first.
printf 'u1\ti1\nu1\ti2\nu2\ti2\nu2\ti3\nu3\ti1\nu3\ti2\nu3\ti4\nu4\ti5\n' | rs-index | rs-recommend -n 2
