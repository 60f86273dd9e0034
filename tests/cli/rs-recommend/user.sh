# --user answers only the users asked, in the order asked, with exactly
# their lines of the all-users output; the model file is mapped.
printf 'a1\tx1\na1\tx2\na2\tx2\na2\tx3\na3\tx1\na3\tx3\nb1\ty1\nb1\ty2\nb2\ty2\nb2\ty3\nb3\ty1\nb3\ty3\n' > sep.tsv
rs-index sep.tsv | rs-svd -k 2 -o m.rsm
rs-recommend -n 4 m.rsm > all.tsv
rs-recommend -n 4 -m m.rsm --user b2 -u a1 > some.tsv
{ grep '^b2	' all.tsv; grep '^a1	' all.tsv; } > want.tsv
cmp want.tsv some.tsv
cut -f1-3 some.tsv | head -1
cut -f1-3 some.tsv | sed -n 5p
