# --history: users outside the model, scored by fold-in from their rows;
# their own items are left out, unknown items ignored (counted with -v).
# A history equal to a model user's rows gives that user's list.
printf 'a1\tx1\na1\tx2\na2\tx2\na2\tx3\na3\tx1\na3\tx3\nb1\ty1\nb1\ty2\nb2\ty2\nb2\ty3\nb3\ty1\nb3\ty3\n' > sep.tsv
rs-index sep.tsv | rs-svd -k 2 -o m.rsm
printf 'new\tx1\nnew\tx2\nnew\tzz\ncopy\ty1\ncopy\ty3\n' > h.tsv
rs-recommend -v -n 1 -m m.rsm --history h.tsv 2>err.txt
grep -q 'h.tsv: 1 history row.* not know' err.txt
rs-recommend -n 1 -m m.rsm -u b3 | cut -f3 > b3.txt
rs-recommend -n 1 -m m.rsm --history h.tsv | grep '^copy' | cut -f3 | cmp - b3.txt
