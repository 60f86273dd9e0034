# --predict: the model's score of each pair, in input order; unknown users
# or items get the biases alone (0 without centring) and are counted.
printf 'a1\tx1\na1\tx2\na2\tx2\na2\tx3\na3\tx1\na3\tx3\nb1\ty1\nb1\ty2\nb2\ty2\nb2\ty3\nb3\ty1\nb3\ty3\n' > sep.tsv
rs-index sep.tsv | rs-svd -k 2 -o m.rsm
printf 'a1\tx3\t5\nghost\tx3\t4\na1\tnope\t3\n' | rs-recommend --predict -m m.rsm
