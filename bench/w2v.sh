#!/bin/sh
# rs-w2v against gensim's Word2Vec on the same sequences: ratings >= 4 of
# the ML-20M-sized file, each user's items in file order as one sentence,
# the last 3 of each user held out; skip-gram, window 5, negative 5, vector
# size 100, 5 epochs, 2 threads, everything else at gensim's defaults.
# Speed: items per second of training (all items of all sequences times the
# epochs, over the training time alone: reading is not counted for either).
# Quality: MAP@10 and HitRate@10 (the notebook's definitions) on the test
# items of a sample of users (every 50th test user: predict_output_word in
# Python is too slow for all of them); both tools score those users the
# same way, from their training items.
# Usage: bench/w2v.sh BIN_DIR RATINGS.csv
set -e
bin=$(cd "$1" && pwd); data=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
args="--sg --window 5 --negative 5 --vector-size 100 --epochs 5"
"$bin/rs-filter" --min-rating 4 "$data" | "$bin/rs-split" --by order --last 3 -t test.tsv > train.tsv
"$bin/rs-index" train.tsv > train.rsm
echo "sequences: $(cut -f1 train.tsv | awk '!seen[$0]++' | wc -l) users, $(wc -l < train.tsv) items; test: $(wc -l < test.tsv)"
cut -f1 test.tsv | awk '!seen[$0]++' | awk 'NR % 50 == 1' > users.txt
awk -F '\t' 'NR == FNR { want[$1] = 1; next } want[$1]' users.txt test.tsv > test-sample.tsv
awk -F '\t' 'NR == FNR { want[$1] = 1; next } want[$1]' users.txt train.tsv > train-sample.tsv

# Threads: the same training on 1 thread and on 2, in the same run
# (W2V_SCALE_EPOCHS epochs, default 1: the ratio is per item): the wall
# seconds of the training (rs-w2v -v) and the CPU seconds of the command.
# With 2 threads doing the same work, CPU seconds above -j 1's are what the
# threads cost each other; two independent -j 1 runs at once show what the
# machine's two cores cost each other (shared cache and memory, or a
# hypervisor's sibling threads) with nothing shared in rs-w2v at all.
se=${W2V_SCALE_EPOCHS:-1}
sargs="--sg --window 5 --negative 5 --vector-size 100 --epochs $se"
# scale NAME J: rs-w2v -j J into NAME.log, its user+system seconds into NAME.cpu
scale() {
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%U %S' -o "$1.cpu" "$bin/rs-w2v" -j "$2" $sargs -v -o /dev/null train.rsm 2> "$1.log"
    else
        "$bin/rs-w2v" -j "$2" $sargs -v -o /dev/null train.rsm 2> "$1.log"; echo "0 0" > "$1.cpu"
    fi
}
scale scale1 1
scale scale2 2
scale pairA 1 & scale pairB 1; wait
awk -v se="$se" '{ f = FILENAME; sub(/\.(log|cpu)$/, "", f) }
     /trained [0-9.]+ s/ { for (k = 1; k < NF; k++) if ($k == "trained") w[f] = $(k + 1) }
     /^[0-9.]+ [0-9.]+$/ { c[f] = $1 + $2 }
     END { printf "rs-w2v, %d epoch(s): -j 1 %.1f s, -j 2 %.1f s: -j 2 is %.2fx faster (target >= 1.8x)\n",
               se, w["scale1"], w["scale2"], w["scale1"] / w["scale2"]
           printf "  CPU s: -j 1 %.1f, -j 2 %.1f (%.2fx); two -j 1 runs at once: %.1f and %.1f (%.2fx: what the cores cost each other)\n",
               c["scale1"], c["scale2"], c["scale2"] / c["scale1"], c["pairA"], c["pairB"],
               (c["pairA"] + c["pairB"]) / 2 / c["scale1"] }' scale1.log scale1.cpu scale2.log scale2.cpu \
    pairA.log pairA.cpu pairB.log pairB.cpu

"$bin/rs-w2v" -j 2 $args -v -o model.rsm train.rsm 2> rs.log
rs_s=$(sed -n 's/.*trained \([0-9.]*\) s.*/\1/p' rs.log)
items=$(( $(wc -l < train.tsv) * 5 ))
rs_ips=$(awk -v n="$items" -v s="$rs_s" 'BEGIN { printf "%.0f", n / s }')
echo "rs-w2v -j 2: trained in $rs_s s: $rs_ips items/s ($(sed -n 's/.*threads, \([a-z0-9]*\)).*/\1/p' rs.log) code)"
"$bin/rs-recommend" -m model.rsm --history train-sample.tsv -n 10 > rs-recs.tsv
"$bin/rs-eval" -t test-sample.tsv -k 10 --ap-denominator k --format tsv rs-recs.tsv > rs-eval.tsv

if ! $py -c 'import gensim' 2>/dev/null; then
    echo "gensim not installed for $py: no peer figures (apt-get install python3-gensim)"
    exit 0
fi
$py "$here/peers/w2v_gensim.py" train.tsv $args --workers 2 --recs g-recs.tsv --users users.txt \
    -n 10 > g.log
g_s=$(awk '$1 == "train_seconds" { print $2 }' g.log)
g_ips=$(awk -v n="$items" -v s="$g_s" 'BEGIN { printf "%.0f", n / s }')
echo "gensim workers=2: trained in $g_s s: $g_ips items/s"
"$bin/rs-eval" -t test-sample.tsv -k 10 --ap-denominator k --format tsv g-recs.tsv > g-eval.tsv
awk -v r="$rs_ips" -v g="$g_ips" 'BEGIN { printf "rs-w2v is %.1fx gensim'"'"'s items/s (target >= 2x)\n", r / g }'
# rs-eval --format tsv: k users hitrate precision recall map ...
for t in rs g; do
    awk -F '\t' -v t="$t" 'NR == 2 { printf "%s: MAP@10 %.5f, HitRate@10 %.5f over %d sampled test users\n",
        t == "rs" ? "rs-w2v" : "gensim", $6, $3, $2 }' "$t-eval.tsv"
done
