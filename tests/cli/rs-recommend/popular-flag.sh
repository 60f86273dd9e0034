# --popular on an SVD model gives exactly what the bare matrix gives.
printf 'a1\tx1\na1\tx2\na2\tx2\na2\tx3\na3\tx1\na3\tx3\nb1\ty1\nb1\ty2\nb2\ty2\nb2\ty3\nb3\ty1\nb3\ty3\n' > sep.tsv
rs-index sep.tsv > m.rsm
rs-svd -k 2 m.rsm > svd.rsm
rs-recommend -n 3 m.rsm > bare.tsv
rs-recommend -n 3 --popular svd.rsm > forced.tsv
cmp bare.tsv forced.tsv
cat forced.tsv
