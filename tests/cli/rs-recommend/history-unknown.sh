# --history whose users know no item of the model: an error for one user;
# with several, the others are answered, the rest counted (exit 1).
printf 'a1\tx1\na1\tx2\na2\tx2\na2\tx3\nb1\ty1\nb1\ty2\n' | rs-index | rs-svd -k 2 -o m.rsm
printf 'new\tzz\nnew\tqq\n' > h1.tsv
rs-recommend -m m.rsm --history h1.tsv
