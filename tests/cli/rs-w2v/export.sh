# --export word2vec: "n d", then one line per vocabulary item, most
# frequent first (ties in first-seen order), id and d values.
printf 'u1\ti1\nu1\ti2\nu1\ti3\nu2\ti2\nu2\ti3\nu2\ti2\nu3\ti9\nu3\ti3\n' > x.tsv
rs-w2v -j 1 -k 3 --min-count 2 --export word2vec x.tsv > v.txt
head -1 v.txt
awk 'NR > 1 { print $1, NF - 1 }' v.txt
# the same vectors as the model's w2v_in, exactly
rs-w2v -j 1 -k 3 --min-count 2 x.tsv | rs-index --block w2v_in | awk '$1 == "i3"' | tr '\t' ' ' > m.txt
awk '$1 == "i3"' v.txt | awk '{ for (k = 2; k <= NF; k++) $k = sprintf("%.6g", $k) } 1' > e.txt
awk '{ for (k = 2; k <= NF; k++) $k = sprintf("%.6g", $k) } 1' m.txt | cmp -s - e.txt && echo "export = w2v_in"
# -o writes the text; --compress makes no sense with it
rs-w2v -j 1 -k 3 --min-count 2 --export word2vec -o out.txt x.tsv && cmp -s out.txt v.txt && echo "-o ok"
