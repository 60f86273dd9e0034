# --similar: cosine over item factors; x1's group mates first (cosine 1,
# order between them left to rounding, hence the sort), never x1 itself.
printf 'a1\tx1\na1\tx2\na2\tx2\na2\tx3\na3\tx1\na3\tx3\nb1\ty1\nb1\ty2\nb2\ty2\nb2\ty3\nb3\ty1\nb3\ty3\n' > sep.tsv
rs-index sep.tsv | rs-svd -k 2 > m.rsm
rs-recommend -m m.rsm --similar x1 -n 2 | cut -f1,3,4 | sort
