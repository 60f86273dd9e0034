# Two well-separated tastes, k=2: each user's best item is the one of her
# group she has not seen (score 2/3 of the rank-1 block), never her own.
printf 'a1\tx1\na1\tx2\na2\tx2\na2\tx3\na3\tx1\na3\tx3\nb1\ty1\nb1\ty2\nb2\ty2\nb2\ty3\nb3\ty1\nb3\ty3\n' > sep.tsv
rs-index sep.tsv | rs-svd -k 2 | rs-recommend -n 1
