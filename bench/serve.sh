#!/bin/sh
# bench/serve.sh BIN [MODEL]: one-user queries per second and latency, side
# by side in one run, on a k=64 factor model:
#
#   rs-serve      wrk -t 2 -c 4 -d ${SECS:-5}s against GET /recommended
#                 (p50, p99 from wrk --latency, requests per second);
#   rs-recommend  one process per request (load the model, answer, exit),
#                 ${RUNS:-20} runs in a loop;
#   flask+numpy   bench/peers/flask_serve.py, the notebooks' design
#                 (Q @ P[u], mask, argpartition), under the same wrk load.
#
# Goal: rs-serve's p99 under 2 ms and at least 20x Flask's throughput.
# Without MODEL: an ML-20M-shaped synthetic model, $RS_BENCH_DIR/rec-k64.rsm
# (the one bench/recommend.sh builds: rs-gen | rs-filter | rs-index |
# rs-svd -k 64, a few minutes the first time).  RATINGS=N makes a smaller
# one instead (26,744 items still, N ratings by N/100 users).
set -e
bin=${1:?usage: bench/serve.sh BIN [MODEL]}
bin=$(cd "$bin" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$bin:$PATH
work=${RS_BENCH_DIR:-/tmp/rs-bench}
secs=${SECS:-5}
runs=${RUNS:-20}
mkdir -p "$work"
tmp=$(mktemp -d)
spid=; fpid=
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; [ -n "$fpid" ] && kill $fpid 2>/dev/null; rm -rf "$tmp"' EXIT
command -v wrk >/dev/null || { echo "serve: wrk not installed (apt-get install wrk)"; exit 1; }
model=$2
if [ -z "$model" ]; then
    if [ -n "$RATINGS" ]; then
        model=$work/serve-k64-$RATINGS.rsm
        [ -s "$model" ] || { echo "serve: building $model ..."; rs-gen -u $((RATINGS / 100)) -r "$RATINGS" | rs-filter |
                             rs-index | rs-svd -k 64 -o "$model"; }
    else
        model=$work/rec-k64.rsm
        [ -s "$model" ] || { echo "serve: building $model (rs-svd -k 64 on ML-20M size) ..."
                             [ -s "$work/ml20.csv" ] || rs-gen > "$work/ml20.csv"
                             rs-filter "$work/ml20.csv" | rs-index | rs-svd -k 64 -o "$model"; }
    fi
fi
shape() { rs-index --list "$model" | awk -v b="$1" -v c="$2" '$1 == b { print $c }'; }
user=$(rs-index --block users "$model" | sed -n 1p)
echo "serve: model $model: $(shape user_factors 3) users x $(shape item_factors 3) items, k=$(shape item_factors 4); user $user, n=10"
path="/recommended?user=$user&n=10"
freeport() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitup() { for i in $(seq 600); do curl -sf "$1/health" > /dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
# wrk's p50, p99 (ms) and requests per second.
load() {
    wrk -t 2 -c 4 -d "${secs}s" --latency "$1$path" > "$tmp/wrk.txt"
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        $1 == "50.000%" || $1 == "50%" { p50 = ms($2) }
        $1 == "99.000%" || $1 == "99%" { p99 = ms($2) }
        $1 == "Requests/sec:" { rps = $2 }
        / Non-2xx/ { bad = $NF }
        END { printf "%.3f %.3f %.0f %d\n", p50, p99, rps, bad }' "$tmp/wrk.txt"
}

port=$(freeport)
rs-serve -m "$model" --listen 127.0.0.1:$port -j 2 2> "$tmp/serve.err" &
spid=$!
waitup "http://127.0.0.1:$port" || { cat "$tmp/serve.err"; exit 1; }
curl -s "http://127.0.0.1:$port$path" > "$tmp/served.json"
rs-recommend -m "$model" --user "$user" -n 10 --format jsonl -j 1 > "$tmp/cli.json"
cmp -s "$tmp/served.json" "$tmp/cli.json" || { echo "serve: rs-serve and rs-recommend differ"; exit 1; }
read -r s50 s99 srps sbad <<EOF2
$(load "http://127.0.0.1:$port")
EOF2
# The server's own view (request in to last byte out, no client or
# network in it): what the load generator's numbers become on a busy box.
inside=$(curl -s "http://127.0.0.1:$port/metrics?format=json" | /usr/bin/python3 -c '
import json, sys
e = json.load(sys.stdin)["endpoints"]["/recommended"]
print("%.3f %.3f" % (e["p50_seconds"] * 1e3, e["p99_seconds"] * 1e3))')
kill $spid; wait $spid 2>/dev/null || true; spid=

t0=$(date +%s.%N)
for i in $(seq "$runs"); do rs-recommend -m "$model" --user "$user" -n 10 --format jsonl -j 1 > /dev/null; done
t1=$(date +%s.%N)
cms=$(echo "$t0 $t1 $runs" | awk '{ printf "%.1f", ($2 - $1) * 1000 / $3 }')
crps=$(echo "$cms" | awk '{ printf "%.0f", 1000 / $1 }')

port=$(freeport)
fl="n/a"
if /usr/bin/python3 -c 'import flask, numpy' 2>/dev/null; then
    /usr/bin/python3 "$top/bench/peers/flask_serve.py" "$model" $port 2> "$tmp/flask.err" &
    fpid=$!
    if waitup "http://127.0.0.1:$port"; then
        read -r f50 f99 frps fbad <<EOF2
$(load "http://127.0.0.1:$port")
EOF2
        fl=ok
    else
        cat "$tmp/flask.err"
    fi
    kill $fpid; wait $fpid 2>/dev/null || true; fpid=
fi

printf '%-34s %9s %9s %10s\n' "serve: one-user top-10 (2 cores)" "p50 ms" "p99 ms" "req/s"
printf '%-34s %9s %9s %10s\n' "rs-serve (wrk -t2 -c4 -d${secs}s)" "$s50" "$s99" "$srps"
printf '%-34s %9s %9s %10s\n' "rs-serve, inside the server" $inside "-"
printf '%-34s %9s %9s %10s\n' "rs-recommend, a process each" "$cms" "-" "$crps"
[ "$fl" = ok ] && printf '%-34s %9s %9s %10s\n' "flask+numpy (wrk -t2 -c4 -d${secs}s)" "$f50" "$f99" "$frps"
[ "${sbad:-0}" = 0 ] || echo "serve: rs-serve answered $sbad requests with an error status"
[ "$fl" = ok ] && echo "$srps $frps $s99" | awk '{ printf "serve: rs-serve / flask throughput %.1fx (goal 20x); p99 %.3f ms (goal < 2)\n", $1 / $2, $3 }'
echo "serve: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

exit 0
