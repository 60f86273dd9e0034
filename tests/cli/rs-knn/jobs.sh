# The model does not depend on the thread count: -j 1 and -j 3 give the
# same bytes, for both kinds (and the lists are full: k neighbours each).
rs-filter "$TESTDATA/ratings.csv" | rs-index > m.rsm
rs-knn --users -k 10 -j 1 m.rsm > u1.rsm
rs-knn --users -k 10 -j 3 m.rsm > u3.rsm
cmp u1.rsm u3.rsm
rs-knn --items -k 10 -j 1 --weight bm25 m.rsm > i1.rsm
rs-knn --items -k 10 -j 3 --weight bm25 m.rsm > i3.rsm
cmp i1.rsm i3.rsm
rs-knn --items -k 10 -j 2 --neighbors m.rsm | awk -F'\t' '$2 > 10 || $4 <= 0 { bad = 1 } END { exit bad }'
