# -a hybrid: zero feature weights (or none on a side) give BPR's model bit
# for bit, at -j 1 and -j 2, whatever --id-dropout; an item known only by
# its features (no ratings: a cold item) gets exactly the vector and bias
# its features give, with features-only steps (the default) and without
# (--id-dropout 0, LightFM's model); the same seed and -j, the same model.
rs-filter "$TESTDATA/ratings.csv" > r.tsv
cut -f2 r.tsv | sort -u | awk '{ print $1 "\tg\t0" }' > zero.tsv
rs-index r.tsv > plain.rsm
rs-index --item-features zero.tsv r.tsv > zero.rsm
for j in 1 2; do
    rs-svd -a bpr -k 8 --iterations 5 -j $j plain.rsm | rs-index --block item_factors > b.txt
    for p in 0 1; do
        rs-svd -a hybrid -k 8 --iterations 5 -j $j --id-dropout $p zero.rsm | rs-index --block item_factors > h.txt
        cmp b.txt h.txt && echo "zero weights, -j $j, --id-dropout $p: bpr's item factors"
    done
done
# Two cold items: 'c1' (feature a, weight 1 and b, weight 3), 'c2' (only b).
printf 'c1\ta\t1\nc1\tb\t3\nc2\tb\n' > f.tsv
cut -f2 r.tsv | sort -u | head -5 | awk '{ print $1 "\ta" }' >> f.tsv
rs-index --item-features f.tsv r.tsv 2> warn.txt > cold.rsm
sed 's/^rs-index: //' warn.txt
for p in 1 0; do
    rs-svd -a hybrid -k 4 --iterations 3 -j 2 --id-dropout $p cold.rsm > h$p.rsm
    rs-index --no-ids --block ifeat_factors h$p.rsm > F.txt
    rs-index --no-ids --block ifeat_bias h$p.rsm > Fb.txt
    rs-index --block ifeat_names h$p.rsm > names.txt
    rs-index --block item_factors h$p.rsm | grep -E '^c[12]	' > Q.txt
    rs-index --block item_bias h$p.rsm | grep -E '^c[12]	' > B.txt
    # Weights are scaled to sum 1 per item: c1 = (a + 3 b) / 4, c2 = b.
    awk -F'\t' 'FILENAME == ARGV[1] { name[FNR] = $1; next }
        FILENAME == ARGV[2] { for (f = 1; f <= NF; f++) F[name[FNR], f] = $f; next }
        FILENAME == ARGV[3] { Fb[name[FNR]] = $1; next }
        FILENAME == ARGV[4] { for (f = 2; f <= NF; f++) {
            want = $1 == "c1" ? (F["a", f - 1] + 3 * F["b", f - 1]) / 4 : F["b", f - 1]
            d = $f - want; if (d < 0) d = -d; if (d > 1e-5) bad++ } next }
        { want = $1 == "c1" ? (Fb["a"] + 3 * Fb["b"]) / 4 : Fb["b"]
          d = $2 - want; if (d < 0) d = -d; if (d > 1e-5) bad++ }
        END { print bad ? "cold items: NOT the sums of their features" : "cold items: the sums of their features" }' \
        names.txt F.txt Fb.txt Q.txt B.txt | sed "s/\$/, --id-dropout $p/"
done
rs-svd -a hybrid -k 4 --iterations 3 -j 2 cold.rsm > again.rsm
cmp -s h1.rsm again.rsm && echo "the same seed and -j: the same model"
mv h1.rsm h.rsm
# rs-recommend ranks among candidates only, cold items included.
printf 'c1\nc2\nnope\n' > cand.txt
rs-recommend -m h.rsm --candidates cand.txt -n 5 2> rwarn.txt | cut -f3 | sort -u
sed 's/^rs-recommend: //' rwarn.txt
