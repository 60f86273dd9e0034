#!/bin/sh
# rs-recommend --format redis against a real redis-server: the RESP stream
# goes through `redis-cli --pipe`, the lists are read back with LRANGE and
# must equal the TSV output of the same model.  The server runs on a free
# loopback port, saves nothing, and is stopped on every way out.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=${RS_BIN:-$top/build/bin}:$PATH
export PATH

dir=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
cd "$dir" || exit 1

. "$top/tests/t/redis.sh"
redis_start 7
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    echo "1..1"
    echo "ok 1 # skip redis-server not available"
    exit 0
fi
if [ -z "$port" ]; then
    echo "1..1"
    echo "ok 1 # skip redis-server would not start on a loopback port"
    exit 0
fi

echo "1..6"
t=0
ok() { t=$((t + 1)); if [ "$1" = 0 ]; then echo "ok $t - $2"; else echo "not ok $t - $2"; fi; }

# Ids with a space and a quote: RESP is binary-safe, so they must survive.
printf 'user one\tx1\nuser one\tx2\nu"2\tx2\nu"2\tx3\nu3\tx1\nu3\tx3\n' > train.tsv
printf 'u4\tx1\nu4\tx2\nu4\tx3\n' >> train.tsv
rs-index train.tsv > m.rsm
rs-recommend -n 3 m.rsm > recs.tsv
rs-recommend -n 3 -f redis m.rsm > recs.resp
redis-cli -p "$port" --pipe < recs.resp > pipe.out 2>&1
grep -q 'errors: 0' pipe.out; ok $? "redis-cli --pipe accepts the stream without errors"

same=0
for u in 'user one' 'u"2' u3; do
    grep "^$u	" recs.tsv | cut -f3 > want
    redis-cli -p "$port" --raw LRANGE "rs:recs:$u" 0 -1 > got
    cmp -s want got || { same=1; echo "# $u: want $(tr '\n' ' ' < want), got $(tr '\n' ' ' < got)"; }
done
ok $same "LRANGE gives each user's list in rank order"

[ "$(redis-cli -p "$port" EXISTS 'rs:recs:u4')" = 0 ]
ok $? "a user with nothing to recommend has no list"

# A second, shorter run replaces the lists (DEL first), not appends.
rs-recommend -n 1 -f redis m.rsm | redis-cli -p "$port" --pipe >/dev/null 2>&1
[ "$(redis-cli -p "$port" LLEN 'rs:recs:u3')" = 1 ]
ok $? "a new run replaces a list instead of appending"

rs-recommend -n 2 -f redis --redis-prefix 'recs:v2:' -u u3 m.rsm | redis-cli -p "$port" --pipe >/dev/null 2>&1
[ "$(redis-cli -p "$port" --raw LRANGE 'recs:v2:u3' 0 -1 | tr '\n' ' ')" = "$(grep '^u3	' recs.tsv | head -2 | cut -f3 | tr '\n' ' ')" ]
ok $? "--redis-prefix and --user"

# The notebook's use: top-N for every user of an SVD model.
printf 'a1\tx1\na1\tx2\na2\tx2\na2\tx3\nb1\ty1\nb1\ty2\nb2\ty2\nb2\ty3\n' | rs-index | rs-svd -k 2 > svd.rsm
rs-recommend -n 1 -f redis --redis-prefix 's:' svd.rsm | redis-cli -p "$port" --pipe >/dev/null 2>&1
[ "$(redis-cli -p "$port" --raw LRANGE s:a1 0 -1)" = x3 ] && [ "$(redis-cli -p "$port" --raw LRANGE s:b2 0 -1)" = y1 ]
ok $? "SVD model lists stored and read back"
