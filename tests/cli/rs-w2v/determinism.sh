# -j 1: the same input and seed give the same model, byte for byte; another
# seed gives another; TSV and the rs-index matrix of it give the same model.
awk 'BEGIN { s = 7; for (u = 0; u < 60; u++) for (p = 0; p < 12; p++) {
    s = (s * 1103515245 + 12345) % 2147483648; c = u % 2 ? "b" : "a";
    printf "u%d\t%s%d\n", u, c, int(s / 65536) % 8 } }' > c.tsv
rs-w2v -j 1 --sg -k 8 --min-count 1 --epochs 3 c.tsv > m1.rsm
rs-w2v -j 1 --sg -k 8 --min-count 1 --epochs 3 < c.tsv > m2.rsm
rs-w2v -j 1 --sg -k 8 --min-count 1 --epochs 3 --seed 2 c.tsv > m3.rsm
rs-index c.tsv | rs-w2v -j 1 --sg -k 8 --min-count 1 --epochs 3 > m4.rsm
cmp -s m1.rsm m2.rsm && echo "same seed: same model"
cmp -s m1.rsm m3.rsm || echo "other seed: other model"
cmp -s m1.rsm m4.rsm && echo "tsv and matrix input: same model"
rs-w2v -j 1 --simd sse --sg -k 8 --min-count 1 --epochs 3 c.tsv | cmp -s - m1.rsm && echo "baseline vector code: same model"
rs-w2v -j 2 --sg -k 8 --min-count 1 --epochs 3 c.tsv | rs-index --list | grep -c '^w2v_'
