#!/bin/sh
# The best list rs makes, next to a reference EASE written in numpy outside
# the library, on one split: ratings >= 4, each user's last 5 by time held
# out.  Every choice (EASE's L, the models' settings, the blend and its
# weights) is made on a validation split cut from train the same way (each
# user's last 5 training items), then the chosen ones are refitted on the
# whole train and evaluated once on test.  See README.
#
#   sh run.sh DATASET RATINGS [OUT]      e.g.
#   sh run.sh ml-100k ../../../shared/data/ml-100k/u.data.zst
#   sh run.sh ml-latest-small ../../../shared/data/ml-latest-small/ratings.csv.zst
#
# Environment: BIN (default ../../build/bin), PYTHON (python3 with numpy,
# scipy, pandas), JOBS (threads, default 2), EASE_L (the L grid).
set -eu
name=$1 data=$2 out=${3:-out/$1}
here=$(cd "$(dirname "$0")" && pwd)
BIN=${BIN:-$here/../../build/bin}
PYTHON=${PYTHON:-/usr/bin/python3}
JOBS=${JOBS:-2}
EASE_L=${EASE_L:-75 150 300 600 1200 2400}
PATH=$(cd "$BIN" && pwd):$PATH
export PATH
mkdir -p "$out"
cd "$out"

# Data: test from the ratings, validation from train.
case $data in
*.zst) zstd -dcq "$data" ;;
*) cat "$data" ;;
esac | rs-filter --min-rating 4 | rs-split --last 5 -t test.tsv > train.tsv
rs-split --last 5 -t val.tsv < train.tsv > fit.tsv

# recency TAU A < TSV > TSV: each rating becomes 1 + A exp(-age / TAU),
# age the interaction's place from the user's latest (0: the latest; equal
# times: the later row is the later), as rs-index --recency TAU,A weighs
# them, written back as TSV for the numpy reference.  rs's weighted matrices
# are made by rs-index --recency from the plain rows, so their ids are the
# plain data's and models of both blend.  A user's last items weigh most:
# the test items are the next ones.
recency() {
    rs-index --recency "$1,$2" | rs-index --decode
}
RECENCY=${RECENCY:-5,3 10,3}
rs-index fit.tsv > val-plain.rsm
rs-index train.tsv > test-plain.rsm
for ta in $RECENCY; do
    recency ${ta%,*} ${ta#*,} < fit.tsv > "val-r$ta.tsv"
    recency ${ta%,*} ${ta#*,} < train.tsv > "test-r$ta.tsv"
    rs-index --recency "$ta" fit.tsv > "val-r$ta.rsm"
    rs-index --recency "$ta" train.tsv > "test-r$ta.rsm"
done

# metrics RECS TEST: ndcg hitrate map at 10.
# A failure is said at once and stops the run before anything is chosen
# (callers read this inside $(...), where an exit would not reach the script).
metrics() {
    m_out=$(rs-eval -t "$2" -k 10 --format tsv "$1" 2>metrics.err | awk -F'\t' '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
        NR == 2 { print $c["ndcg"], $c["hitrate"], $c["map"] }')
    if [ -z "$m_out" ]; then
        echo "run.sh: no metrics for $1: $(cat metrics.err)" >&2
        : > metrics.failed
    fi
    echo "$m_out"
}
checked() { [ ! -e metrics.failed ] || { echo "run.sh: stopped: an evaluation failed" >&2; exit 1; }; }

# model NAME DATA ARGS... : build STAGE-NAME.rsm from the matrix STAGE-DATA.rsm
# (stage val: from fit.tsv; test: from train.tsv) by the program in ARGS.
model() {
    m_name=$1 m_data=$2; shift 2
    "$@" -j "$JOBS" "$stage-$m_data.rsm" > "$stage-$m_name.rsm" 2> "$stage-$m_name.log"
}

# The candidates, as name, data and command: EASE over the L grid, then the
# other model kinds over a few settings each.
candidates() {
    for l in $EASE_L; do echo "ease-$l plain rs-knn -a ease --binary --reg $l"; done
    for r in 1 10 30; do echo "als64-$r plain rs-svd -a als -k 64 --reg $r"; done
    echo "als128-30 plain rs-svd -a als -k 128 --reg 30"
    for k in 50 200; do echo "bm25-$k plain rs-knn --items --weight bm25 -k $k"; done
    for k in 30 100; do echo "uknn-$k plain rs-knn --users -k $k"; done
    for k in 20 50; do echo "svd-$k plain rs-svd -k $k"; done
    echo "bpr64 plain rs-svd -a bpr -k 64 --iterations 100"
}
# EASE on the recency-weighted data (its values, not --binary), L from 1
# to 4 times plain EASE's best (weights of 1 to 1 + A want a larger L).
recent_candidates() {
    for ta in $RECENCY; do
        for f in 1 2 4; do
            echo "rease-$ta-$((f * ${ease#ease-})) r$ta rs-knn -a ease --reg $((f * ${ease#ease-}))"
        done
    done
}

# Stage 1: every candidate on validation.
stage=val
: > val.scores
try() {
    while read -r m data cmd; do
        model "$m" "$data" $cmd
        rs-recommend -j "$JOBS" -m "val-$m.rsm" > "val-$m.recs"
        echo "$m $(metrics "val-$m.recs" val.tsv) $data $cmd" >> val.scores
    done
}
candidates | try
# The best of each kind (by validation NDCG@10).
best() { grep "^$1" val.scores | sort -k2,2gr | head -1 | cut -d' ' -f1; }
ease=$(best ease-) als=$(best als) bm25=$(best bm25-) uknn=$(best uknn-) svd=$(best svd-)
recent_candidates | try
rease=$(best rease-)

# Blends of EASE with one other model (score and rrf, weight of EASE on a
# grid), then with two (the best partner and one more).
blend() {   # blend METHOD WEIGHTS MODEL...
    b_how=$1 b_w=$2; shift 2
    set -- $(for b_m in "$@"; do printf -- '-m %s-%s.rsm ' "$stage" "$b_m"; done)
    rs-recommend -j "$JOBS" --blend "$b_how" --weights "$b_w" "$@"
}
: > blend.scores
# The base of the blends: the better EASE on validation, the other a partner.
base=$(printf '%s\n' "$ease" "$rease" | while read -r m; do grep "^$m " val.scores; done |
    sort -k2,2gr | head -1 | cut -d' ' -f1)
[ "$base" = "$ease" ] && alt=$rease || alt=$ease
for other in $alt $als $bm25 $uknn $svd bpr64; do
    for how in score rrf; do
        for w in 0.9 0.8 0.7 0.6 0.5; do
            v=$(awk -v w="$w" 'BEGIN { print 1 - w }')
            blend "$how" "$w,$v" "$base" "$other" > val-blend.recs
            echo "$how $w,$v $base $other $(metrics val-blend.recs val.tsv)" >> blend.scores
        done
    done
done
checked
top2=$(sort -k5,5gr blend.scores | head -1)
set -- $top2
how=$1 partner=$4
for third in $alt $als $bm25 $uknn $svd bpr64; do
    [ "$third" = "$partner" ] && continue
    for w in 0.7,0.2,0.1 0.6,0.3,0.1 0.6,0.2,0.2 0.5,0.3,0.2 0.5,0.25,0.25 0.4,0.3,0.3; do
        blend "$how" "$w" "$base" "$partner" "$third" > val-blend.recs
        echo "$how $w $base $partner $third $(metrics val-blend.recs val.tsv)" >> blend.scores
    done
done
# Two picks: the blend with the best validation NDCG@10, and the best one
# among those that lose neither hit rate nor MAP to EASE alone on
# validation (a gain in one metric bought with another is no win; EASE
# alone, weights 1,0, when none is).
set -- $(grep "^$ease " val.scores)
e_val="$2 $3 $4" e_hr=$3 e_map=$4
set -- $(grep "^$rease " val.scores)
r_val="$2 $3 $4"
pick() {
    { echo "score 1,0 $ease $als $e_val"; echo "score 1,0 $rease $als $r_val"; cat blend.scores; } |
        awk -v hr="$1" -v map="$2" '$(NF - 1) >= hr && $NF >= map { print $(NF - 2), $0 }' |
        sort -k1,1gr | head -1 | cut -d' ' -f2-
}
checked
best_ndcg=$(pick 0 0)
best_safe=$(pick "$e_hr" "$e_map")

# Stage 2: the chosen settings refitted on the whole train, scored on test.
stage=test
l=${ease#ease-}
for m in $ease $rease $als $bm25 $uknn $svd bpr64; do
    set -- $(grep "^$m " val.scores)
    shift 4
    model "$m" "$@"
done
"$PYTHON" "$here/../../bench/peers/ease_numpy.py" train.tsv "$l" 10 numpy-ease.recs --binary \
    2> numpy-ease.time
# The same reference on the recency-weighted data, at rs's L for it.
set -- $(grep "^$rease " val.scores)
rdata=${5#r} rl=${rease##*-}
"$PYTHON" "$here/../../bench/peers/ease_numpy.py" "test-r$rdata.tsv" "$rl" 10 numpy-rease.recs \
    2> numpy-rease.time
# run_blend PICK OUT: the picked blend on the test models; its name.
run_blend() {
    r_out=$2
    set -- $1
    r_how=$1 r_w=$2; shift 2
    r_models=$(echo "$@" | awk '{ for (i = 1; i <= NF - 3; i++) printf "%s%s", (i > 1 ? " " : ""), $i }')
    blend "$r_how" "$r_w" $r_models > "$r_out"
    echo "blend:$r_how:$r_w:$(echo $r_models | tr ' ' '+')"
}
name_ndcg=$(run_blend "$best_ndcg" test-blend-ndcg.recs)
name_safe=$(run_blend "$best_safe" test-blend-safe.recs)
for m in $ease $rease $als $bm25 $uknn $svd bpr64; do
    rs-recommend -j "$JOBS" -m "test-$m.rsm" > "test-$m.recs"
done
# agree A B: list entries (user, rank, item) of A also in B, of all A's.
agree() {
    cut -f1-3 "$1" | sort > a.tmp
    cut -f1-3 "$2" | sort > b.tmp
    echo "$(comm -12 a.tmp b.tmp | wc -l) of $(wc -l < a.tmp)"
    rm -f a.tmp b.tmp
}

checked
# The table: test metrics, and each one relative to the reference EASE.
ref=$(metrics numpy-ease.recs test.tsv)
{
    echo "numpy-ease-$l reference $ref"
    echo "$ease rs $(metrics "test-$ease.recs" test.tsv)"
    echo "numpy-$rease reference $(metrics numpy-rease.recs test.tsv)"
    echo "$rease rs $(metrics "test-$rease.recs" test.tsv)"
    for m in $als $bm25 $uknn $svd bpr64; do echo "$m rs $(metrics "test-$m.recs" test.tsv)"; done
    echo "$name_ndcg rs $(metrics test-blend-ndcg.recs test.tsv)"
    [ "$best_safe" = "$best_ndcg" ] || echo "$name_safe rs $(metrics test-blend-safe.recs test.tsv)"
} | awk -v ds="$name" -v ref="$ref" '
    BEGIN { split(ref, r, " ");
            printf "%-16s %-44s %8s %8s %8s %8s %8s %8s\n", "data", "model", "NDCG@10",
                   "vs ref", "HR@10", "vs ref", "MAP@10", "vs ref" }
    { printf "%-16s %-44s %8.4f %+7.1f%% %8.4f %+7.1f%% %8.4f %+7.1f%%\n", ds, $1,
             $3, 100 * ($3 / r[1] - 1), $4, 100 * ($4 / r[2] - 1), $5, 100 * ($5 / r[3] - 1) }'
echo "# $name: rs and numpy EASE (L $l) share $(agree numpy-ease.recs "test-$ease.recs") list entries (user, rank, item)"
echo "# $name: rs and numpy EASE on recency-weighted data ($rease) share $(agree numpy-rease.recs "test-$rease.recs")"
