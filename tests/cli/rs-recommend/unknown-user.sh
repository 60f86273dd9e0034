# An unknown --user is reported and skipped; the others are answered and
# the exit status says something was missing.
printf 'a1\tx1\na1\tx2\na2\tx2\na2\tx3\na3\tx1\na3\tx3\nb1\ty1\nb1\ty2\nb2\ty2\nb2\ty3\nb3\ty1\nb3\ty3\n' > sep.tsv
rs-index sep.tsv > m.rsm
rs-recommend -n 1 -m m.rsm -u nobody -u a1
