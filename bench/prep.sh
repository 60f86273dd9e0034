#!/bin/sh
# rs-filter + rs-split + rs-index against the same work in pandas.
# Usage: bench/prep.sh BIN_DIR RATINGS.csv
set -e
bin=$1; data=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
args="--min-rating 4 --min-item-users 5 --min-user-items 10"
t() { /usr/bin/time -f "%e %M" -o "$work/time" "$@"; read -r s kb < "$work/time"; }
# This kind of machine has slow spells of seconds: the pipes are timed
# three times and pandas twice, and each side keeps its best.
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }'; }

# Issue 19's row first: read + filter against the limit and pandas.
sh "$here/filter.sh" "$bin" "$data"
t sh -c "'$bin/rs-filter' $args '$data' > '$work/f.tsv'"; filt=$s; filt_mb=$((kb / 1024))
t sh -c "'$bin/rs-split' --last 5 -t '$work/test.tsv' < '$work/f.tsv' > '$work/train.tsv'"; split=$s; split_mb=$((kb / 1024))
t sh -c "'$bin/rs-index' < '$work/train.tsv' > '$work/train.rs'"; index=$s; index_mb=$((kb / 1024))
pipe2= pipe=
for run in 1 2 3; do
    t sh -c "'$bin/rs-filter' $args '$data' | '$bin/rs-split' --last 5 -t '$work/test2.tsv' > '$work/train2.tsv'"
    pipe2=$(best "$s" "$pipe2")
    t sh -c "'$bin/rs-filter' $args '$data' | '$bin/rs-split' --last 5 -t '$work/test2.tsv' | '$bin/rs-index' > '$work/train2.rs'"
    pipe=$(best "$s" "$pipe")
done
echo "rs-filter $filt s (peak ${filt_mb} MB), rs-split $split s (${split_mb} MB), rs-index $index s (${index_mb} MB)"
echo "rs as one pipe: filter | split $pipe2 s; filter | split | index $pipe s"
echo "rows: train $(wc -l < "$work/train.tsv"), test $(wc -l < "$work/test.tsv")"
if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
    for run in 1 2; do
        t /usr/bin/python3 "$here/peers/prep_pandas.py" "$data" 4 5 10 5 > "$work/pd$run"
    done
    # The run whose read + filter + split was faster.
    sum() { awk '/^(read|filter|split)\t/ { s += $2 } END { print s }' "$1"; }
    if awk -v a="$(sum "$work/pd1")" -v b="$(sum "$work/pd2")" 'BEGIN { exit !(a < b) }'; then
        mv "$work/pd1" "$work/pd"
    else
        mv "$work/pd2" "$work/pd"
    fi
    pd_mb=$((kb / 1024))
    cat "$work/pd" | sed 's/^/pandas: /'
    awk -v f="$filt" -v s="$split" -v i="$index" -v p="$pipe" -v p2="$pipe2" '
        /^read/ {r=$2} /^filter/ {fi=$2} /^split/ {sp=$2} /^index/ {ix=$2}
        END {
            pd = r + fi + sp; rs = f + s;
            printf "read+filter+split: pandas %.2f s; rs as a pipe %.2f s: %.1fx faster (target >= 3x); rs run one after the other %.2f s: %.1fx\n", pd, p2, pd / p2, rs, pd / rs;
            printf "with indexing:     rs %.2f s, pandas %.2f s: %.1fx; as one pipe %.2f s: %.1fx\n", rs + i, pd + ix, (pd + ix) / (rs + i), p, (pd + ix) / p;
        }' "$work/pd"
    echo "pandas peak memory: $pd_mb MB"
else
    echo "pandas not installed: no peer figures"
fi
