# Hand-made: item popularity a=3, b=2, c=2, d=1; the item-knn model of a
# user who has d links d to a only (cosine 1/sqrt 3; b, c and d: NaN, no
# link).  Ranks over the catalogue, ties to the first index: popularity
# a, b, c, d; knn a only.  rrf with K = 1 and weights 1, 2:
#   a = 1/(1+1) + 2/(1+1) = 1.5   b = 1/3   c = 1/4   d = 1/5
printf 'u1\ta\nu1\tb\nu2\ta\nu2\tc\nu3\ta\nu3\td\nu4\tb\nu4\tc\n' > r.tsv
rs-index r.tsv > pop.rsm
rs-knn --items pop.rsm > knn.rsm
printf 'new\td\n' > h.tsv
rs-recommend -m pop.rsm -m knn.rsm --blend rrf --rrf-k 1 --weights 1,2 \
    --history h.tsv --include-seen -n 4
# score: popularity's z-scores (mean 2, sd 1/sqrt 2) are a = sqrt 2,
# b = c = 0, d = -sqrt 2; knn's one finite score has sd 0: z 0, and the
# NaN items get its lowest, 0.  minmax: a = 1, b = c = 1/2, d = 0.
rs-recommend -m pop.rsm -m knn.rsm --history h.tsv --include-seen -n 4
rs-recommend -m pop.rsm -m knn.rsm --blend minmax --history h.tsv --include-seen -n 4
