# --similar: cosine over input vectors, the item's own cluster first;
# --history: a user outside the training data, scored from her items
# (unknown items ignored), gets her cluster's items she has not seen.
awk 'BEGIN { s = 3; for (u = 0; u < 80; u++) for (p = 0; p < 10; p++) {
    s = (s * 1103515245 + 12345) % 2147483648; c = u % 2 ? "b" : "a";
    printf "u%d\t%s%d\n", u, c, int(s / 65536) % 12 } }' > train.tsv
rs-w2v -j 1 --sg -k 16 --sample 0 --epochs 20 train.tsv > m.rsm
rs-recommend -m m.rsm --similar a3 -n 11 | cut -f3 | cut -c1 | uniq -c | sed "s/^ *//"
rs-recommend -m m.rsm --similar b5 -n 11 | awk -F '\t' '$4 < -1 || $4 > 1 { bad++ } END { print bad + 0, "cosines outside [-1, 1]" }'
printf 'new\tb1\nnew\tb2\nnew\tnever-seen\n' > h.tsv
rs-recommend -m m.rsm --history h.tsv -n 5 | cut -f1,2,3 | awk -F '\t' '{ print $1, $2, substr($3, 1, 1), ($3 == "b1" || $3 == "b2") ? "seen" : "new" }'
# a history with no known item: no list
printf 'new2\tnever-seen\n' > h2.tsv
rs-recommend -m m.rsm --history h2.tsv -n 5 2> /dev/null | wc -l
