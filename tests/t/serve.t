#!/bin/sh
# rs-serve: answers equal rs-recommend's for every model kind (same JSON
# line byte for byte), every error status, a reload (SIGHUP) and a refit
# (POST /recompute) under a loop of concurrent requests (none fails, each
# answer is the old model's or a new one's), and a clean stop on SIGTERM.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${RS_BIN:-$top/build/bin}
PATH=$bin:$PATH
n=0; fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else fail=$((fail + 1)); echo "not ok $n - $2"; fi; }
command -v curl >/dev/null || { echo "1..0 # SKIP curl not installed"; exit 0; }
dir=$(mktemp -d) || exit 1
pid=
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap stop EXIT
trap 'exit 1' INT TERM
cd "$dir" || exit 1
titles=$top/testdata/movies.csv

# start MODEL [OPTION]...: rs-serve on a free port; sets pid and url.
start() {
    : > err
    rs-serve -m "$@" --listen 127.0.0.1:0 -j 2 --fit-jobs 1 2>err &
    pid=$!
    url=
    for i in $(seq 100); do
        port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' err)
        [ -n "$port" ] && { url=http://127.0.0.1:$port; break; }
        sleep 0.05
    done
    [ -n "$url" ] && curl -sf "$url/health" >/dev/null
}
halt() { kill -TERM "$pid"; wait "$pid"; st=$?; pid=; return $st; }
get() { curl -s "$url$1"; }
code() { curl -s -o body -w '%{http_code}' "$@"; }

rs-filter "$top/testdata/ratings.csv" > r.tsv
rs-index r.tsv > m.rs
rs-svd -k 5 m.rs > svd.rs
rs-svd -a funk -k 5 --epochs 3 -j 1 m.rs > funk.rs
rs-svd -a als -k 5 --iterations 2 m.rs > als.rs
rs-svd -a bpr -k 5 --iterations 2 -j 1 m.rs > bpr.rs
rs-knn --items -k 20 m.rs > knn-item.rs
rs-knn --users -k 20 m.rs > knn-user.rs
rs-w2v -k 8 --epochs 1 -j 1 m.rs > w2v.rs
cp m.rs popular.rs

kinds="svd funk als bpr knn-item knn-user w2v popular"
[ -n "$RS_TEST_QUICK" ] && kinds="svd knn-item w2v popular"    # the sanitizer pass
for kind in $kinds; do
    start $kind.rs --items "$titles"; ok $? "$kind: starts and answers /health"
    same=0
    for u in 1 10 77 600; do
        get "/recommended?user=$u&n=7" > a
        rs-recommend -m $kind.rs --user $u -n 7 --format jsonl --items "$titles" > b
        cmp -s a b || same=1
    done
    ok $same "$kind: /recommended equals rs-recommend --format jsonl (4 users)"
    get "/recs?user_id=10&top=3" > page
    grep -c '<tr><td>' page | grep -qx 3; ok $? "$kind: /recs is an HTML table of 3 rows"
    if rs-recommend -m $kind.rs --similar 42 -n 5 --format jsonl --items "$titles" > b 2>/dev/null; then
        get "/similar?item=42&n=5" | cmp -s - b; ok $? "$kind: /similar equals rs-recommend --similar"
    else
        [ "$(code "$url/similar?item=42")" = 400 ]; ok $? "$kind: /similar is 400 for a kind without similarity"
    fi
    halt; ok $? "$kind: SIGTERM stops it with status 0"
done

# Fold-in and predictions against rs-recommend.
start svd.rs --items "$titles"
printf 'new\t42\t5\nnew\t47\t3.5\nnew\tnot-an-item\t4\n' > h.tsv
rs-recommend -m svd.rs --history h.tsv -n 6 --format jsonl --items "$titles" > b
curl -s -d '{"user":"new","items":["42",47,"not-an-item"],"ratings":[5,3.5,4],"n":6}' "$url/recommend" | cmp -s - b
ok $? "POST /recommend equals rs-recommend --history"
printf '10\t42\n' | rs-recommend --predict -m svd.rs | cut -f3 > b
get "/predict?user=10&item=42" | sed 's/.*"score":\([^}]*\)}/\1/' | cmp -s - b
ok $? "/predict equals rs-recommend --predict"
curl -s -d '{"user":10,"n":4}' "$url/recommended" > a
rs-recommend -m svd.rs --user 10 -n 4 --format jsonl --items "$titles" | cmp -s - a
ok $? "POST /recommended with a JSON body"
get "/viewed?user=10&n=3" > a
grep -q '"ratings":\[5,5,5\]' a && grep -q '"titles":' a && grep -q '"times":' a
ok $? "/viewed: best rated first, with titles and times"
get "/viewed?user=10&n=2&order=time" | sed -n 's/.*"times":\[\([0-9]*\),\([0-9]*\)\].*/\1 \2/p' | awk '{ exit !($1 >= $2 && $2 > 0) }'
ok $? "/viewed?order=time: most recent first"
get "/metrics" | grep -q '^rs_requests_total{endpoint="/recommended",code="200"} 1$'
ok $? "/metrics: Prometheus counts"
get "/metrics?format=json" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["model"]["kind"]=="svd" and d["endpoints"]["/viewed"]["requests"]==2'
ok $? "/metrics?format=json"

# Every error status, and the server still answers after them.
t() { [ "$(code "$@")" = "$want" ] && grep -q '"status":'"$want" body; }
want=400; t "$url/recommended"; ok $? "400: missing user"
grep -q "missing parameter 'user'" body; ok $? "400 names the parameter"
want=400; t "$url/recommended?user=10&n=abc"; ok $? "400: malformed n"
want=400; t "$url/recommended?user=10&n=0"; ok $? "400: n = 0"
want=400; t "$url/recommended?user=10&n=1493"; ok $? "400: n beyond the catalogue"
want=400; t "$url/recommended?user=10&n=99999999999999999999"; ok $? "400: n overflowing"
want=400; t -d '{"user":' "$url/recommended"; ok $? "400: a body that is not JSON"
want=400; t -d '[1,2]' "$url/recommended"; ok $? "400: a body that is not an object"
want=400; t -d '{"items":[]}' "$url/recommend"; ok $? "400: an empty history"
want=400; t -d '{"items":["1"],"ratings":[1,2]}' "$url/recommend"; ok $? "400: ratings not matching items"
want=400; t -X POST "$url/recompute?nope=1"; ok $? "400: unknown refit option"
want=400; t -X POST "$url/recompute?k=100000"; ok $? "400: k beyond the matrix"
want=400; t "$url/viewed?user=10&order=sideways"; ok $? "400: bad order"
want=404; t "$url/recommended?user=no-such-user"; ok $? "404: unknown user"
want=404; t "$url/similar?item=no-such-item"; ok $? "404: unknown item"
want=404; t "$url/nowhere"; ok $? "404: unknown endpoint"
want=405; t -X DELETE "$url/recommended"; ok $? "405: wrong method"
want=413; head -c 2000000 /dev/zero | tr '\0' ' ' > big
t --data-binary @big "$url/recommend"; ok $? "413: a body over the limit"
# Fuzz: random bytes as query and body never take the server down.
python3 -c '
import random, urllib.parse
r = random.Random(7)
for k in range(40):
    s = bytes(r.randrange(256) for _ in range(r.randrange(40)))
    print(urllib.parse.quote_from_bytes(s))
' > fuzz
while read -r f; do
    curl -s -o /dev/null "$url/recommended?user=$f&n=$f"
    curl -s -o /dev/null -d "$f" "$url/recommend"
    curl -s -o /dev/null -d "{\"items\":[\"$f\"],\"n\":\"$f\"}" "$url/recommend"
done < fuzz
[ "$(code "$url/health")" = 200 ]; ok $? "still answering after 120 fuzzed requests"
halt; ok $? "clean stop after the errors"

# --train: /viewed and refits read that matrix; a second refit while one
# runs is 409; SIGTERM does not wait past --grace for a refit.
start w2v.rs --train m.rs --grace 0.3
get "/viewed?user=10&n=3" | grep -q '"ratings":\[5,5,5\]'; ok $? "--train: /viewed from the matrix"
[ "$(code -X POST "$url/recompute?epochs=400")" = 202 ]; ok $? "a long refit starts (202)"
want=409; t -X POST "$url/recompute?epochs=1"; ok $? "409: a second refit while one runs"
[ "$(code "$url/recommended?user=10")" = 200 ]; ok $? "answers go on during the refit"
halt; ok $? "SIGTERM during a refit: exit 0"
grep -q 'a refit was still running at exit' err; ok $? "... saying the refit was cut short"

# Reload and refit under load: every answer is 200 and one of the three
# models' (the first, the reloaded one, the refitted one), never a mix.
rs-svd -k 3 m.rs > svd3.rs
rs-svd -k 4 svd3.rs | rs-recommend --user 10 -n 5 --format jsonl > c.exp
rs-recommend -m svd.rs --user 10 -n 5 --format jsonl > a.exp
rs-recommend -m svd3.rs --user 10 -n 5 --format jsonl > b.exp
cp svd.rs live.rs
start live.rs
(for i in $(seq 100); do curl -s -w '%{http_code}\n' "$url/recommended?user=10&n=5"; done > loop1) &
l1=$!
(for i in $(seq 100); do curl -s -w '%{http_code}\n' "$url/recommended?user=10&n=5"; done > loop2) &
l2=$!
sleep 0.2
cp svd3.rs live.tmp && mv live.tmp live.rs     # a new file, never rewritten in place
kill -HUP "$pid"
for i in $(seq 100); do get /health | grep -q '"version":2' && break; sleep 0.05; done
[ "$(code -X POST "$url/recompute?k=4")" = 202 ]; ok $? "POST /recompute?k=4 is accepted (202)"
for i in $(seq 200); do get /health | grep -q '"version":3' && break; sleep 0.05; done
get /health | grep -q '"version":3'; ok $? "the refit is swapped in (version 3)"
wait $l1 $l2
cat loop1 loop2 > loop
good=$(awk -v a="$(cat a.exp)" -v b="$(cat b.exp)" -v c="$(cat c.exp)" '
    NR % 2 == 1 { line = $0; next }
    { if ($0 == "200" && (line == a || line == b || line == c)) g++; else print "bad: " line " " $0 > "/dev/stderr" }
    END { print g + 0 }' loop)
[ "$good" = 200 ]; ok $? "200 concurrent requests during reload and refit: all 200, none mixed ($good good)"
get "/recommended?user=10&n=5" | cmp -s - c.exp; ok $? "after the refit: rs-svd -k 4's answer"
get "/metrics" | grep -q '^rs_refits_total{result="ok"} 1$'; ok $? "/metrics counts the refit"
halt; ok $? "SIGTERM after a refit: clean stop"
grep -q 'listening on' err && ! grep -qi 'error\|fail' err; ok $? "nothing but the address on stderr"

echo "1..$n"
[ $fail = 0 ]
