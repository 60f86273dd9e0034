# --items: titles with --predict (fourth column) and the query item's title
# after the similar item's with --similar; a file naming no model item is
# an error.
printf 'a1\tx1\na1\tx2\na2\tx2\na2\tx3\na3\tx1\na3\tx3\nb1\ty1\nb1\ty2\nb2\ty2\nb2\ty3\nb3\ty1\nb3\ty3\n' > sep.tsv
rs-index sep.tsv | rs-svd -k 2 -o m.rsm
printf 'x1\tOne\nx2\tTwo\nx3\tThree\ny1\tWhy\n' > t.tsv
printf 'a1\tx3\nghost\tnope\n' | rs-recommend --predict -m m.rsm --items t.tsv | cut -f1,2,4
rs-recommend -m m.rsm --similar x1 -n 1 --items t.tsv | cut -f1,3,5,6
rs-recommend -m m.rsm --similar x1 -n 1 --items t.tsv -f jsonl | grep -c '"item":"x1","title":"One"'
printf '1\tfoo\n2\tbar\n' > other.tsv
rs-recommend -m m.rsm -n 1 --items other.tsv 2> err.txt && exit 9
grep -q 'other.tsv: no id in it is an item of the model' err.txt
