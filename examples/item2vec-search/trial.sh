#!/bin/sh
# trial.sh OUT K "SEEDS" [rs-w2v OPTION]...: one trial of the search (and of
# `make confirm`): rs-w2v with the options and each seed on OUT/train.tsv,
# its top-K lists scored against OUT/test.tsv with the notebook's MAP@K
# (rs-eval --ap-denominator k) and hit rate.  Prints a TSV: a row per seed,
# then the sample standard deviation and, last, the mean (rs-search
# --column map reads the mean).  Exits 1 when a seed gave no result.
out=$1 k=$2 seeds=$3
shift 3
for s in $seeds; do
    rs-w2v -j 1 --seed "$s" "$@" "$out/train.tsv" | rs-recommend -j 1 -n "$k" \
      | rs-eval -t "$out/test.tsv" -k "$k" --ap-denominator k --format tsv \
      | awk -F '\t' -v s="$s" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
                              NR == 2 { print s "\t" $c["map"] "\t" $c["hitrate"] }'
done | awk -F '\t' -v want="$(echo $seeds | wc -w)" '
    BEGIN { print "seed\tmap\thitrate" }
    { print; n++; m += $2; mm += $2 * $2; h += $3; hh += $3 * $3 }
    function sd(s, ss) { return n > 1 && (ss - s * s / n) > 0 ? sqrt((ss - s * s / n) / (n - 1)) : 0 }
    END { if (n != want) exit 1
          printf "sd\t%.6f\t%.6f\nmean\t%.6f\t%.6f\n", sd(m, mm), sd(h, hh), m / n, h / n }'
