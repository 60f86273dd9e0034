#!/bin/sh
# examples/service/run.sh [BIN] [RATINGS] [MOVIES]: the deployment notebook's
# service with rs-serve.  The notebook fits an SVD and serves four endpoints
# from Flask; here they are:
#
#   notebook                      rs-serve
#   /viewed?user_id=U             GET  /viewed?user=U&n=N       (best rated first)
#   /recommended?user_id=U        GET  /recommended?user=U&n=N  (without seen items)
#   /recompute_svd?k=K            POST /recompute?k=K           (refit in the background)
#   /metrics                      GET  /metrics                 (latest time of each call,
#                                                                and percentiles)
#
# Defaults: build/bin, testdata/ratings.csv and testdata/movies.csv.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=$(cd "${1:-$top/build/bin}" && pwd)
ratings=${2:-$top/testdata/ratings.csv}
movies=${3:-$top/testdata/movies.csv}
PATH=$bin:$PATH
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT

echo "== train: rs-filter | rs-index | rs-svd -k 20"
rs-filter "$ratings" | rs-index | rs-svd -k 20 -o "$work/model.rsm"

echo "== serve: rs-serve -m model.rsm --items $(basename "$movies") --listen 127.0.0.1:0"
rs-serve -m "$work/model.rsm" --items "$movies" --listen 127.0.0.1:0 -v 2> "$work/log" &
pid=$!
url=
for i in $(seq 100); do
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/log")
    [ -n "$port" ] && { url=http://127.0.0.1:$port; break; }
    sleep 0.05
done
[ -n "$url" ] || { cat "$work/log"; exit 1; }
user=$(rs-index --block users "$work/model.rsm" | sed -n 10p)

show() { echo; echo "\$ curl $*"; curl -s "$@"; }
show "$url/viewed?user=$user&n=5"
show "$url/recommended?user=$user&n=5"
show -X POST "$url/recompute?k=10"
for i in $(seq 100); do curl -s "$url/health" | grep -q '"version":2' && break; sleep 0.1; done
show "$url/recommended?user=$user&n=5"
show "$url/metrics?format=json"
echo
echo "== the server's log"
kill $pid; wait $pid || true; pid=
cat "$work/log"
