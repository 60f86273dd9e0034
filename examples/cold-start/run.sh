#!/bin/sh
# Item cold start and the warm split: hybrid (rs-svd -a hybrid) against the
# content-only KNN (rs-knn --items --features), popularity within genre
# (genre_pop.py) and BPR, on ml-100k and ml-latest-small.
# Usage: examples/cold-start/run.sh [DATA_DIR] (default ../shared/data),
# with the rs programs on PATH.  Prints one table per data set.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${1:-$here/../../../shared/data}
K=${K:-32} IT=${IT:-50} SEED=${SEED:-1}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

one() {     # name ratings movies [users]
    name=$1 d=$tmp/$1; mkdir -p "$d"
    rs-filter "$2" > "$d/all.tsv"
    movies=$d/$(basename "$3" .zst); zstd -dcf "$3" > "$movies"
    uf=; if [ -n "${4-}" ]; then zstd -dcf "$4" > "$d/users"; uf="--user-features $d/users"; fi
    # Item cold start: 20% of the items held out with all their ratings.
    rs-split --cold-items 0.2 --seed "$SEED" -t "$d/cold.tsv" "$d/all.tsv" > "$d/warm.tsv"
    cut -f2 "$d/cold.tsv" | sort -u > "$d/cand.txt"
    rs-index --item-features "$movies" $uf "$d/warm.tsv" > "$d/train.rsm" 2>/dev/null
    rs-svd -a hybrid -k "$K" --iterations "$IT" --seed "$SEED" -j 2 "$d/train.rsm" > "$d/hybrid.rsm"
    rs-knn --items --features -k 50 "$d/train.rsm" > "$d/cknn.rsm"
    for m in hybrid cknn; do
        rs-recommend -m "$d/$m.rsm" --candidates "$d/cand.txt" -n 10 > "$d/$m.recs"
    done
    python3 "$here/genre_pop.py" "$d/warm.tsv" "$movies" "$d/cand.txt" 10 > "$d/genrepop.recs"
    echo "== $name: item cold start (--cold-items 0.2, lists among the cold items)"
    rs-eval -t "$d/cold.tsv" --models -k 10 hybrid="$d/hybrid.recs" \
        content-knn="$d/cknn.recs" genre-pop="$d/genrepop.recs" | cut -f1,4,5,9
    # Warm: ratings >= 4, each user's last 5 by time held out.
    awk -F'\t' '$3 >= 4' "$d/all.tsv" > "$d/pos.tsv"
    rs-split --last 5 -t "$d/wtest.tsv" "$d/pos.tsv" > "$d/wtrain.tsv"
    rs-index --item-features "$movies" $uf "$d/wtrain.tsv" > "$d/wtrain.rsm" 2>/dev/null
    rs-svd -a hybrid -k "$K" --iterations "$IT" --seed "$SEED" -j 2 "$d/wtrain.rsm" > "$d/whybrid.rsm"
    rs-svd -a bpr -k "$K" --iterations "$IT" --seed "$SEED" -j 2 "$d/wtrain.rsm" > "$d/wbpr.rsm"
    for m in whybrid wbpr; do rs-recommend -m "$d/$m.rsm" -n 10 > "$d/$m.recs"; done
    echo "== $name: warm (ratings >= 4, last 5 by time)"
    rs-eval -t "$d/wtest.tsv" --models -k 10 hybrid="$d/whybrid.recs" bpr="$d/wbpr.recs" | cut -f1,4,5,9
}

one ml-100k "$data/ml-100k/u.data.zst" "$data/ml-100k/u.item.zst" "$data/ml-100k/u.user.zst"
one ml-latest-small "$data/ml-latest-small/ratings.csv.zst" "$data/ml-latest-small/movies.csv.zst"
