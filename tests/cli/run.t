#!/bin/sh
# Runs every CLI case in this directory, zstd cli-tests style, as TAP.
# A case is NAME.sh (run with sh -e in a fresh temp dir, programs on PATH,
# $TESTDATA = testdata/, $DATA = ../shared/data when present) with optional
# NAME.stdout.exact, NAME.stderr.glob (a shell pattern for all of stderr)
# and NAME.exit (expected status, default 0) beside it.
here=$(cd "$(dirname "$0")" && pwd)
top=${RS_TOP:-$(cd "$here/../.." && pwd)}
bin=${RS_BIN:-$top/build/bin}
PATH=$bin:$PATH; export PATH
TESTDATA=$top/testdata; export TESTDATA
if [ -d "$top/../shared/data" ]; then DATA=$(cd "$top/../shared/data" && pwd); else DATA=; fi
export DATA
n=0; fail=0
for case in "$here"/*.sh; do
    [ -e "$case" ] || continue
    name=$(basename "$case" .sh)
    n=$((n + 1))
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
    if [ -z "$why" ]; then echo "ok $n - $name"
    else
        fail=$((fail + 1)); echo "not ok $n - $name: $why"
        [ "$why" = "stdout differs" ] && diff "$here/$name.stdout.exact" "$dir/stdout" | head -20 | sed 's/^/#   /'
        sed 's/^/#   stderr: /' "$dir/stderr" | head -20
    fi
    rm -rf "$dir"
done
echo "1..$n"
[ "$fail" = 0 ]
