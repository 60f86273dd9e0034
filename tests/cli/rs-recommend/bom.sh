# A UTF-8 byte order mark does not change the first id of --history,
# --predict or --items files.
printf 'a1\tx1\na1\tx2\na2\tx2\na2\tx3\na3\tx1\na3\tx3\nb1\ty1\nb1\ty2\nb2\ty2\nb2\ty3\nb3\ty1\nb3\ty3\n' > sep.tsv
rs-index sep.tsv | rs-svd -k 2 -o m.rsm
printf 'new\tx1\nnew\tx2\n' > h.tsv
printf '\357\273\277new\tx1\nnew\tx2\n' > hb.tsv
rs-recommend -n 2 -m m.rsm --history h.tsv > plain.txt
rs-recommend -n 2 -m m.rsm --history hb.tsv | cmp - plain.txt && echo "--history: same lists"
printf '\357\273\277a1\tx3\n' | rs-recommend --predict -m m.rsm
printf '\357\273\277x3\tThird\nx1\tFirst\n' > titles.tsv
rs-recommend -n 1 -u a1 --items titles.tsv -m m.rsm
