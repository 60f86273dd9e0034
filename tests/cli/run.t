#!/bin/sh
# Runs every CLI case in this directory, zstd cli-tests style, as TAP.
# A case is NAME.sh (run with sh -e in a fresh temp dir, programs on PATH,
# $TESTDATA = testdata/, $DATA = ../shared/data when present) with optional
# NAME.stdout.exact, NAME.stderr.glob (a shell pattern for all of stderr)
# and NAME.exit (expected status, default 0) beside it.
# Cases run in parallel (RS_TEST_JOBS, default: all cores); the report
# comes out in name order whatever order they finish in.
here=$(cd "$(dirname "$0")" && pwd)
top=${RS_TOP:-$(cd "$here/../.." && pwd)}
bin=${RS_BIN:-$top/build/bin}
PATH=$bin:$PATH; export PATH
TESTDATA=$top/testdata; export TESTDATA
if [ -d "$top/../shared/data" ]; then DATA=$(cd "$top/../shared/data" && pwd); else DATA=; fi
export DATA
if [ "$1" = --one ]; then
    # Worker: run case $3, leave "ok" or "not ok: why" (and details) in dir $2.
    case=$3
    name=$(basename "$case" .sh)
    out=$2/$name
    dir=$(mktemp -d)
    ( cd "$dir" && sh -e "$case" >stdout 2>stderr ); status=$?
    want=0; [ -f "$here/$name.exit" ] && want=$(cat "$here/$name.exit")
    why=
    [ "$status" = "$want" ] || why="exit $status, want $want"
    if [ -z "$why" ] && [ -f "$here/$name.stdout.exact" ] && ! cmp -s "$dir/stdout" "$here/$name.stdout.exact"; then
        why="stdout differs"
    fi
    if [ -z "$why" ] && [ -f "$here/$name.stderr.glob" ]; then
        pat=$(cat "$here/$name.stderr.glob"); err=$(cat "$dir/stderr")
        case "$err" in $pat) ;; *) why="stderr does not match";; esac
    fi
    if [ -z "$why" ]; then echo ok > "$out"
    else
        {
            echo "not ok: $why"
            [ "$why" = "stdout differs" ] && diff "$here/$name.stdout.exact" "$dir/stdout" | head -20 | sed 's/^/#   /'
            sed 's/^/#   stderr: /' "$dir/stderr" | head -20
        } > "$out"
    fi
    rm -rf "$dir"
    exit 0
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
jobs=${RS_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
for case in "$here"/*.sh; do
    [ -e "$case" ] && printf '%s\n' "$case"
done | xargs -P "$jobs" -n 1 sh "$here/run.t" --one "$results"
n=0; fail=0
for case in "$here"/*.sh; do
    [ -e "$case" ] || continue
    name=$(basename "$case" .sh)
    n=$((n + 1))
    if [ -f "$results/$name" ] && [ "$(head -1 "$results/$name")" = ok ]; then
        echo "ok $n - $name"
    else
        fail=$((fail + 1))
        if [ -f "$results/$name" ]; then
            echo "not ok $n - $name: $(head -1 "$results/$name" | sed 's/^not ok: //')"
            tail -n +2 "$results/$name"
        else
            echo "not ok $n - $name: no result"
        fi
    fi
done
echo "1..$n"
[ "$fail" = 0 ]
