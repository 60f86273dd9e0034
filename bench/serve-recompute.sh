#!/bin/sh
# The deployment notebook's /recompute_svd on ml-latest-small, as rs-serve's
# POST /recompute?k=K: for K = 10, 50, 100, 500, the refit's time by phase
# (from /metrics, as the notebook's /metrics reports its calls' times) next
# to scipy's svds on the same centred matrix in the same run (the
# notebook's recompute is svds on the pivot table minus each user's mean).
#   sh bench/serve-recompute.sh BIN [RATINGS]   (default ../shared/data/ml-latest-small)
set -eu
bin=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
ratings=${2:-$top/../shared/data/ml-latest-small/ratings.csv.zst}
PATH=$bin:$PATH
py=/usr/bin/python3
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
rs-filter "$ratings" | rs-index > m.rsm
rs-svd -k 10 --center user m.rsm > model.rsm
rs-serve -m model.rsm --listen 127.0.0.1:0 -j 2 2> serve.log &
pid=$!
for _ in $(seq 100); do grep -q '^rs-serve: listening on' serve.log 2>/dev/null && break; sleep 0.1; done
url=http://$(sed -n 's/^rs-serve: listening on //p' serve.log)
# refit K: POST /recompute?k=K, wait for it, print the refit's phases.
refit() {
    curl -s -X POST "$url/recompute?k=$1" > /dev/null
    for _ in $(seq 600); do
        curl -s "$url/metrics?format=json" > m.json
        $py -c 'import json,sys; sys.exit(json.load(open("m.json"))["refit"]["running"])' && break
        sleep 0.05
    done
    $py -c 'import json; r = json.load(open("m.json"))["refit"]["seconds"]
print("%d\t%.0f\t%.0f" % ('"$1"', 1000 * r["total"], 1000 * r["fit"]))'
}
printf 'k\trs-serve refit ms\t(of which fit)\tscipy svds ms\tratio\n'
for k in 10 50 100 500; do
    r=$(refit "$k")
    s=$($py "$top/bench/peers/svd_scipy.py" "$ratings" "$k" --center user |
        sed -n 's/^k=[0-9]* seconds=\([0-9.]*\).*/\1/p')
    printf '%s\t%s\n' "$r" "$s" | awk -F'\t' -v OFS='\t' '{ s = $4 * 1000; print $1, $2, $3, sprintf("%.0f", s), sprintf("%.1fx", s / $2) }'
done
