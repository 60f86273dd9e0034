# rs-w2v | rs-recommend | rs-eval: users in two clusters of items get
# recommendations from their own cluster; a user whose items are all below
# --min-count gets none (and rs-eval counts her as a miss).
awk 'BEGIN { s = 11; for (u = 0; u < 80; u++) for (p = 0; p < 10; p++) {
    s = (s * 1103515245 + 12345) % 2147483648; c = u % 2 ? "b" : "a";
    printf "u%d\t%s%d\n", u, c, int(s / 65536) % 12 } }' > all.tsv
printf 'lonely\trare1\nlonely\trare2\nlonely\trare3\nlonely\trare4\n' >> all.tsv
rs-split --by order --last 2 -t test.tsv < all.tsv > train.tsv
rs-w2v -j 1 --sg -k 16 --sample 0 --epochs 20 train.tsv > m.rsm
rs-recommend -m m.rsm -n 3 > recs.tsv
# every list stays within its user's cluster
awk -F '\t' '{ u = substr($1, 2) + 0; want = u % 2 ? "b" : "a";
    if (substr($3, 1, 1) != want) bad++ } END { print NR, "recommendations,", bad + 0, "from the other cluster" }' recs.tsv
grep -c '^lonely' recs.tsv || true
# scores are probabilities: each is in (0, 1]
awk -F '\t' '$4 <= 0 || $4 > 1 { bad++ } END { print bad + 0, "scores outside (0, 1]" }' recs.tsv
rs-recommend -m m.rsm -n 3 | rs-eval -t test.tsv -k 3 --format tsv | cut -f2,11
