# A search writes a row per trial (trial, parameters, metric, seconds,
# status), values inside the space, and reports the best on stderr; the
# same seed with -j 1 gives the same trials; TPE after the startup trials.
printf '# a comment\nx float -5 5\nn int 1 100 log\nc choice a b c\n\n' > space.txt
rs-search -n 25 --seed 7 --startup 5 space.txt 'awk -v x={x} -v n={n} -v c={c} "BEGIN { print (x - 1) ^ 2 + (c == \"b\" ? 0 : 3) }"' > a.tsv 2> a.err
rs-search -n 25 --seed 7 --startup 5 space.txt 'awk -v x={x} -v n={n} -v c={c} "BEGIN { print (x - 1) ^ 2 + (c == \"b\" ? 0 : 3) }"' > b.tsv 2> /dev/null
head -1 a.tsv
cut -f1-5,7 a.tsv > a.cut; cut -f1-5,7 b.tsv > b.cut; cmp a.cut b.cut && echo "same seed, same trials"
awk -F '\t' 'NR > 1 && ($2 < -5 || $2 > 5 || $3 < 1 || $3 > 100 || $3 != int($3) || ($4 != "a" && $4 != "b" && $4 != "c")) { bad++ }
             END { print (NR == 26 && !bad) ? "25 trials in the space" : "bad rows" }' a.tsv
# TPE (trials 6..25) finds c=b and x near 1 more often than the random start
awk -F '\t' 'NR > 1 && NR <= 6 { r += $5 } NR > 6 { t += $5 } END { print (t / 20 < r / 5) ? "tpe better than random" : "tpe no better" }' a.tsv
best=$(sort -t '	' -k5,5g a.tsv | sed -n 2p | cut -f1)
grep -q "^rs-search: best of 25 trials (25 with a metric): trial $best, metric" a.err && echo "best reported"
