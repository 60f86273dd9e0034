#!/bin/sh
# bench/serve.sh BIN [MODEL]: one-user queries per second and latency, side
# by side in one run, on a k=64 factor model:
#
#   rs-serve      -j 1 on core 0, wrk -t 1 -c 4 -d ${SECS:-5}s on core 1,
#                 against GET /recommended?user=U&n=10 (p50, p99 from wrk
#                 --latency, requests per second, and the server's CPU per
#                 request from /proc: its user + system time over the
#                 requests answered);
#   rs-serve -j 2 both cores, shared with wrk -t 2 -c 4: throughput when the
#                 whole machine serves (its p99 is the scheduler's: four busy
#                 threads on two cores wait for each other's time slices);
#   rs-recommend  one process per request (load the model, answer, exit),
#                 ${RUNS:-20} runs in a loop;
#   flask+numpy   bench/peers/flask_serve.py, the notebooks' design
#                 (Q @ P[u], mask, argpartition), on core 0 under the same
#                 wrk load on core 1 (Python's lock keeps it to one core
#                 anyway).
#
# Goal: rs-serve's p99 under 2 ms and at least 20x Flask's throughput,
# read from the one-core rows: each server has core 0 to itself and the
# load generator core 1 (taskset), so neither steals the other's core and
# p99 measures the server, not the scheduler.  wrk spends ~15 us of CPU a
# request, rs-serve ~25 us: one wrk thread on its own core keeps one server
# core busy.  The URLs go round
# ${USERS:-1000} users spread over the model (a wrk script made by the run),
# the same list for both servers: a user's cost depends on her (rs-serve
# scores only the items that can make her list), so one user would flatter
# or wrong it.
#
# Without MODEL: the ML-20M-shaped model $RS_BENCH_DIR/rec-k64.rsm (the
# one bench/recommend.sh builds from $RS_BENCH_DIR/ml20.csv: rs-filter |
# rs-index | rs-svd -k 64, a few minutes the first time; ml20.csv is made
# by rs-gen when missing).  RATINGS=N makes a smaller one instead (26,744
# items still, N ratings by N/100 users).
set -e
bin=${1:?usage: bench/serve.sh BIN [MODEL]}
bin=$(cd "$bin" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$bin:$PATH
work=${RS_BENCH_DIR:-/tmp/rs-bench}
secs=${SECS:-5}
runs=${RUNS:-20}
nusers=${USERS:-1000}
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
        ratings=$work/ml20.csv
        if [ ! -s "$ratings" ]; then
            echo "serve: generating $ratings (ML-20M size) ..."
            rs-gen > "$ratings.tmp" && mv "$ratings.tmp" "$ratings"
        fi
        if [ ! -s "$model" ] || [ "$ratings" -nt "$model" ]; then
            echo "serve: building $model from $ratings (rs-svd -k 64) ..."
            rs-filter "$ratings" | rs-index | rs-svd -k 64 -o "$model"
        fi
    fi
fi
shape() { rs-index --list "$model" | awk -v b="$1" -v c="$2" '$1 == b { print $c }'; }
nu=$(shape user_factors 3)
[ -n "$nu" ] || { echo "serve: $model is not a factor model" >&2; exit 1; }
# Users spread evenly over the model, with ids that go in a URL as they are.
rs-index --block users "$model" | awk -v n="$nusers" -v all="$nu" '
    BEGIN { step = all > n ? all / n : 1; next_at = 1 }
    NR >= next_at && $1 ~ /^[A-Za-z0-9._~-]+$/ { print $1; next_at += step }' > "$tmp/users"
user=$(sed -n 1p "$tmp/users")
echo "serve: model $model: $nu users x $(shape item_factors 3) items, k=$(shape item_factors 4); $(wc -l < "$tmp/users") users in turn, n=10"
{
    echo 'local reqs, k = {}, 0'
    echo 'for _, u in ipairs({'
    sed 's/.*/"&",/' "$tmp/users"
    echo '}) do reqs[#reqs + 1] = wrk.format("GET", "/recommended?user=" .. u .. "&n=10") end'
    echo 'request = function() k = k % #reqs + 1; return reqs[k] end'
} > "$tmp/users.lua"
cat "$model" > /dev/null    # page cache, so every side starts warm
freeport() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitup() { for i in $(seq "$2"); do curl -sf "$1/health" > /dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
cputicks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# wrk's p50, p99 (ms), requests per second, non-2xx answers and requests,
# then the server's CPU microseconds a request.
# load URL PID [WRK-PREFIX]: WRK-PREFIX is how wrk runs (default: alone on
# core 1, one thread).
load() {
    c0=$(cputicks "$2")
    ${3:-taskset -c 1 wrk -t 1 -c 4} -d "${secs}s" --latency -s "$tmp/users.lua" "$1" > "$tmp/wrk.txt"
    c1=$(cputicks "$2")
    awk -v ticks=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        $1 == "50.000%" || $1 == "50%" { p50 = ms($2) }
        $1 == "99.000%" || $1 == "99%" { p99 = ms($2) }
        $1 == "Requests/sec:" { rps = $2 }
        / requests in / { n = $1 }
        / Non-2xx/ { bad = $NF }
        END { printf "%.3f %.3f %.0f %d %.1f\n", p50, p99, rps, bad, n ? ticks / hz * 1e6 / n : 0 }' "$tmp/wrk.txt"
}

port=$(freeport)
taskset -c 0 rs-serve -m "$model" --listen 127.0.0.1:$port -j 1 2> "$tmp/serve.err" &
spid=$!
waitup "http://127.0.0.1:$port" 600 || { cat "$tmp/serve.err"; exit 1; }
for u in $(sed -n '1p;2p;$p' "$tmp/users"); do
    curl -s "http://127.0.0.1:$port/recommended?user=$u&n=10" > "$tmp/served.json"
    rs-recommend -m "$model" --user "$u" -n 10 --format jsonl -j 1 > "$tmp/cli.json"
    cmp -s "$tmp/served.json" "$tmp/cli.json" || { echo "serve: rs-serve and rs-recommend differ for user $u"; exit 1; }
done
read -r s50 s99 srps sbad scpu <<EOF2
$(load "http://127.0.0.1:$port" $spid)
EOF2
# The server's own view (request in to last byte out, no client or
# network in it): what the load generator's numbers become on a busy box.
inside=$(curl -s "http://127.0.0.1:$port/metrics?format=json" | /usr/bin/python3 -c '
import json, sys
e = json.load(sys.stdin)["endpoints"]["/recommended"]
print("%.3f %.3f" % (e["p50_seconds"] * 1e3, e["p99_seconds"] * 1e3))')
kill $spid; wait $spid 2>/dev/null || true; spid=

port=$(freeport)
rs-serve -m "$model" --listen 127.0.0.1:$port -j 2 2> "$tmp/serve2.err" &
spid=$!
waitup "http://127.0.0.1:$port" 600 || { cat "$tmp/serve2.err"; exit 1; }
read -r t50 t99 trps tbad tcpu <<EOF2
$(load "http://127.0.0.1:$port" $spid "wrk -t 2 -c 4")
EOF2
kill $spid; wait $spid 2>/dev/null || true; spid=

t0=$(date +%s.%N)
for i in $(seq "$runs"); do rs-recommend -m "$model" --user "$user" -n 10 --format jsonl -j 1 > /dev/null; done
t1=$(date +%s.%N)
cms=$(echo "$t0 $t1 $runs" | awk '{ printf "%.1f", ($2 - $1) * 1000 / $3 }')
crps=$(echo "$cms" | awk '{ printf "%.0f", 1000 / $1 }')

port=$(freeport)
fl="n/a"
if /usr/bin/python3 -c 'import flask, numpy' 2>/dev/null; then
    taskset -c 0 /usr/bin/python3 "$top/bench/peers/flask_serve.py" "$model" $port 2> "$tmp/flask.err" &
    fpid=$!
    # Flask reads the model as text: a minute or two on ML-20M.
    if waitup "http://127.0.0.1:$port" 3000; then
        read -r f50 f99 frps fbad fcpu <<EOF2
$(load "http://127.0.0.1:$port" $fpid)
EOF2
        fl=ok
    else
        cat "$tmp/flask.err"
    fi
    kill $fpid; wait $fpid 2>/dev/null || true; fpid=
fi

printf '%-34s %9s %9s %10s %11s\n' "serve: one-user top-10 (2 cores)" "p50 ms" "p99 ms" "req/s" "CPU us/req"
printf '%-34s %9s %9s %10s %11s\n' "rs-serve -j1 (core 0; wrk core 1)" "$s50" "$s99" "$srps" "$scpu"
printf '%-34s %9s %9s %10s %11s\n' "rs-serve, inside the server" $inside "-" "-"
printf '%-34s %9s %9s %10s %11s\n' "rs-serve -j2 (2 cores, wrk -t2)" "$t50" "$t99" "$trps" "$tcpu"
printf '%-34s %9s %9s %10s %11s\n' "rs-recommend, a process each" "$cms" "-" "$crps" "-"
[ "$fl" = ok ] && printf '%-34s %9s %9s %10s %11s\n' "flask+numpy (core 0; wrk core 1)" "$f50" "$f99" "$frps" "$fcpu"
[ "${sbad:-0}" = 0 ] && [ "${tbad:-0}" = 0 ] || echo "serve: rs-serve answered $sbad + ${tbad:-0} requests with an error status"
[ "$fl" = ok ] && [ "${fbad:-0}" != 0 ] && echo "serve: flask answered $fbad requests with an error status"
[ "$fl" = ok ] && echo "$srps $frps $s99 $scpu $fcpu" | awk '{ printf "serve: rs-serve / flask throughput %.1fx (goal 20x), CPU a request %.1fx less; p99 %.3f ms (goal < 2)\n", $1 / $2, ($4 > 0 ? $5 / $4 : 0), $3 }'
echo "serve: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

exit 0
