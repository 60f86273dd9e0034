#!/bin/sh
# bench/knn.sh BIN RATINGS.csv: rs-knn against sklearn's NearestNeighbors
# (metric='cosine', algorithm='brute', n_jobs=-1) on the ML-20M-sized file.
#
#   - item-KNN (k = 50) and user-KNN (k = 20), every item / every user, by
#     rs-knn --neighbors from the matrix (rs-filter | rs-index, built once
#     into $RS_BENCH_DIR, default /tmp/rs-bench);
#   - sklearn for a sample of the same items / users (every 134th item,
#     every 692nd user: about 200 each; all of them would take hours), its
#     time scaled linearly to all of them -- fair to sklearn, whose cost
#     per query does not fall with more queries (each query is one sparse
#     product with the whole matrix, as in rs-knn);
#   - the sampled lists compared (bench/peers/knn_sklearn.py compare: the
#     same similarities rank by rank, the same neighbours but for ties);
#   - rs-knn's peak memory against the dense similarity matrix it never
#     forms.  Target: >= 5x faster at equal results.
#
# rs-knn is timed from reading the matrix to writing the text; sklearn from
# fit to kneighbors' answer (its CSV parsing is left out).  Wall and CPU
# seconds are both reported: on a shared machine CPU seconds are the
# steadier comparison.  JOBS sets -j (default: all cores).
set -e
bin=${1:?usage: bench/knn.sh BIN RATINGS.csv}
bin=$(cd "$bin" && pwd)
data=${2:?usage: bench/knn.sh BIN RATINGS.csv}
here=$(cd "$(dirname "$0")" && pwd)
PATH=$bin:$PATH
work=${RS_BENCH_DIR:-/tmp/rs-bench}
jobs=${JOBS:-$(nproc)}
py=/usr/bin/python3
mkdir -p "$work"
matrix=$work/ml20-knn.rsm
if [ ! -s "$matrix" ] || [ "$data" -nt "$matrix" ]; then
    echo "knn: indexing $data into $matrix ..."
    rs-filter "$data" | rs-index -o "$matrix"
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

load() { sed 's/.*load average: *//' /proc/loadavg 2>/dev/null | cut -d' ' -f1; }
timed() {   # timed OUT ERR CMD...: $wall, $cpu (user + sys) and $mb (peak RSS)
    out=$1 err=$2; shift 2
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" > "$out" 2> "$err"
    read -r wall u s kb < "$tmp/time"
    cpu=$(echo "$u $s" | awk '{ printf "%.2f", $1 + $2 }')
    mb=$((kb / 1024))
}

items=$(rs-index --block items "$matrix" | wc -l)
users=$(rs-index --block users "$matrix" | wc -l)
rs-index --block items "$matrix" | awk 'NR % 134 == 1' > "$tmp/q_items"
rs-index --block users "$matrix" | awk 'NR % 692 == 1' > "$tmp/q_users"
cat "$matrix" > /dev/null    # page cache, so both runs start warm

echo "knn: $users users x $items items, -j $jobs; 1-minute load average before each run in []"
i_load=$(load)
timed "$tmp/rs_items" "$tmp/rs_items.err" rs-knn --items -k 50 -j "$jobs" -v --neighbors "$matrix"
i_wall=$wall i_cpu=$cpu i_mb=$mb
sed -n 's/^rs-knn: \(neighbours .*\)/knn: items: rs-knn \1/p' "$tmp/rs_items.err"
u_load=$(load)
timed "$tmp/rs_users" "$tmp/rs_users.err" rs-knn --users -k 20 -j "$jobs" -v --neighbors "$matrix"
u_wall=$wall u_cpu=$cpu u_mb=$mb
sed -n 's/^rs-knn: \(neighbours .*\)/knn: users: rs-knn \1/p' "$tmp/rs_users.err"

if ! $py -c 'import sklearn, pandas' 2>/dev/null; then
    echo "knn: items: rs-knn -k 50, all $items items: wall $i_wall s, cpu $i_cpu s, peak $i_mb MB"
    echo "knn: users: rs-knn -k 20, all $users users: wall $u_wall s, cpu $u_cpu s, peak $u_mb MB"
    echo "knn: no sklearn/pandas for $py: no peer figures"
    exit 0
fi
sk_load=$(load)
timed "$tmp/sk.txt" "$tmp/sk.err" $py "$here/peers/knn_sklearn.py" run "$data" \
    items 50 "$tmp/q_items" "$tmp/sk_items" users 20 "$tmp/q_users" "$tmp/sk_users"
sk_mb=$mb
get() { awk -v m="$1" -v f="$2" '$1 == m && $2 == f { print $3 }' "$tmp/sk.txt"; }
for mode in items users; do
    if [ $mode = items ]; then k=50 n=$items w=$i_wall c=$i_cpu m=$i_mb l=$i_load
    else k=20 n=$users w=$u_wall c=$u_cpu m=$u_mb l=$u_load; fi
    $py "$here/peers/knn_sklearn.py" compare "$tmp/sk_$mode" "$tmp/rs_$mode" $k > "$tmp/cmp_$mode" || true
    same=$(awk '$1 == "compared" { c = $2 } $1 == "differ" { d = $2 } END { print c - d " of " c }' "$tmp/cmp_$mode")
    echo "$mode $k $n $w $c $m $(get $mode queries) $(get $mode wall) $(get $mode cpu) $sk_mb $(get all load) $l $sk_load" |
    awk -v same="$same" '{
        mode = $1; k = $2; n = $3; w = $4; c = $5; m = $6; q = $7; sw = $8; sc = $9; skm = $10
        fw = sw * n / q; fc = sc * n / q
        dense = n * n * 4 / 1048576
        printf "knn: %s: rs-knn -k %d, all %d %s: wall %.1f s, cpu %.1f s, peak %d MB [%s]\n", mode, k, n, mode, w, c, m, $12
        printf "knn: %s: sklearn, %d of them: wall %.1f s, cpu %.1f s; scaled to all %d: wall %.0f s, cpu %.0f s (peak %d MB, with pandas loading the CSV in %.0f s) [%s]\n", mode, q, sw, sc, n, fw, fc, skm, $11, $13
        printf "knn: %s: rs-knn is %.1fx faster by wall, %.1fx by cpu (target >= 5x); %s sampled lists equal (ties aside)\n", mode, fw / w, fc / c, same
        printf "knn: %s: peak memory %d MB = %.1f%% of the dense %dx%d float32 similarity matrix (%.0f MB)\n", mode, m, 100 * m / dense, n, n, dense
    }'
done
