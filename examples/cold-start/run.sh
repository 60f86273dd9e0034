#!/bin/sh
# Item cold start and the warm split: hybrid (rs-svd -a hybrid) against the
# content-only KNN (rs-knn --items --features), popularity within genre
# (genre_pop.py) and BPR, on ml-100k and ml-latest-small, over several
# seeds: seed S makes cold split S (rs-split --seed S) and trains every
# model with --seed S.  The seeds are rs-eval's folds (--folds N, one % per
# file): each figure is the mean+-sd over the seeds, and the last column the
# paired bootstrap 95% interval of the per-user difference to the hybrid
# (--reference hybrid), once for NDCG@10 and once for HitRate@10.
# Usage: examples/cold-start/run.sh [DATA_DIR] (default ../shared/data),
# with the rs programs on PATH; SEEDS="1 2 3 4 5" by default (SEEDS=1 for
# a quick look: one split, no sd).  Prints four tables per data set.
# The same users are in every seed's test set: rs-eval's interval resamples
# users, each drawn user bringing its rows of every seed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${1:-$here/../../../shared/data}
K=${K:-32} IT=${IT:-50} SEEDS=${SEEDS:-1 2 3 4 5}
# KEEP=DIR keeps the splits and lists there; else a temp dir.
if [ -n "${KEEP-}" ]; then tmp=$KEEP; mkdir -p "$tmp"
else tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT; fi

report() {  # title test-pattern name=recs-pattern...
    title=$1 test=$2; shift 2
    for m in ndcg hitrate; do
        echo "== $title; interval: $m@10 minus the hybrid's"
        # (without --train rs-eval warns that coverage is over the lists'
        # items: coverage is not what this compares, so that line is dropped)
        rs-eval --folds "$n" -t "$test" -k 10 --compare "$m" --reference hybrid \
            --format table "$@" 2> "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
        grep -v 'coverage is over' "$tmp/err" >&2 || :
    done
}

one() {     # name ratings movies [users]
    name=$1 d=$tmp/$1; mkdir -p "$d"
    rs-filter "$2" > "$d/all.tsv"
    movies=$d/$(basename "$3" .zst); zstd -dcf "$3" > "$movies"
    uf=; if [ -n "${4-}" ]; then zstd -dcf "$4" > "$d/users"; uf="--user-features $d/users"; fi
    # Warm: ratings >= 4, each user's last 5 by time held out (one split:
    # only the training seed varies).
    awk -F'\t' '$3 >= 4' "$d/all.tsv" > "$d/pos.tsv"
    rs-split --last 5 -t "$d/wtest.tsv" "$d/pos.tsv" > "$d/wtrain.tsv"
    rs-index --item-features "$movies" $uf "$d/wtrain.tsv" > "$d/wtrain.rsm" 2>/dev/null
    f=0
    for s in $SEEDS; do
        f=$((f + 1))
        # Item cold start: 20% of the items held out with all their ratings.
        rs-split --cold-items 0.2 --seed "$s" -t "$d/cold.$f.tsv" "$d/all.tsv" > "$d/warm.tsv"
        cut -f2 "$d/cold.$f.tsv" | sort -u > "$d/cand.txt"
        rs-index --item-features "$movies" $uf "$d/warm.tsv" > "$d/train.rsm" 2>/dev/null
        rs-svd -a hybrid -k "$K" --iterations "$IT" --seed "$s" -j 2 "$d/train.rsm" > "$d/hybrid.rsm"
        rs-knn --items --features -k 50 "$d/train.rsm" > "$d/cknn.rsm"
        for m in hybrid cknn; do
            rs-recommend -m "$d/$m.rsm" --candidates "$d/cand.txt" -n 10 > "$d/$m.$f.recs"
        done
        python3 "$here/genre_pop.py" "$d/warm.tsv" "$movies" "$d/cand.txt" 10 > "$d/genrepop.$f.recs"
        cp "$d/wtest.tsv" "$d/wtest.$f.tsv"
        for a in hybrid bpr; do
            rs-svd -a "$a" -k "$K" --iterations "$IT" --seed "$s" -j 2 "$d/wtrain.rsm" > "$d/w$a.rsm"
            rs-recommend -m "$d/w$a.rsm" -n 10 > "$d/w$a.$f.recs"
        done
    done
    n=$f
    report "$name: item cold start (--cold-items 0.2, lists among the cold items), seeds $SEEDS" \
        "$d/cold.%.tsv" hybrid="$d/hybrid.%.recs" content-knn="$d/cknn.%.recs" \
        genre-pop="$d/genrepop.%.recs"
    report "$name: warm (ratings >= 4, last 5 by time), seeds $SEEDS" \
        "$d/wtest.%.tsv" hybrid="$d/whybrid.%.recs" bpr="$d/wbpr.%.recs"
}

one ml-100k "$data/ml-100k/u.data.zst" "$data/ml-100k/u.item.zst" "$data/ml-100k/u.user.zst"
one ml-latest-small "$data/ml-latest-small/ratings.csv.zst" "$data/ml-latest-small/movies.csv.zst"
