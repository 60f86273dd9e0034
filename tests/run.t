#!/bin/sh
# The CLI cases of tests/cli/, zstd cli-tests style, as TAP.
#
#   tests/run.t                      every case
#   tests/run.t rs-eval              one program's cases
#   tests/run.t rs-eval/json ...     single cases (a table row: rs-filter/errors:nan)
#   tests/run.t --update [WHICH...]  run, and rewrite the .stdout.exact of the
#                                    cases that have one with what they print now
#
# A case is tests/cli/PROG/NAME.sh, run with sh -e in a fresh temporary
# folder with the programs on PATH, $TESTDATA = testdata/ and $DATA =
# ../shared/data when present, with optional NAME.stdout.exact,
# NAME.stderr.glob (a shell pattern for all of stderr) and NAME.exit (the
# expected status, default 0) beside it.
#
# A family of error cases is a table, tests/cli/PROG/NAME.tsv: one case a
# line, named PROG/NAME:CASE, with the tab-separated columns
#   case  exit  stderr-pattern  command
# (the command is one line of sh; '#' lines and blank lines are skipped).
#
# Cases run in parallel (RS_TEST_JOBS, default: all cores); the report comes
# out in name order whatever order they finish in.
here=$(cd "$(dirname "$0")" && pwd)
cli=$here/cli
top=${RS_TOP:-$(cd "$here/.." && pwd)}
bin=${RS_BIN:-$top/build/bin}
PATH=$bin:$PATH; export PATH
TESTDATA=$top/testdata; export TESTDATA
if [ -d "$top/../shared/data" ]; then DATA=$(cd "$top/../shared/data" && pwd); else DATA=; fi
export DATA

# check ID STATUS WANT-EXIT STDOUT STDERR EXACT GLOB RESULT: leave "ok" or
# "not ok: why" and the details in RESULT.
check() {
    why=
    [ "$2" = "$3" ] || why="exit $2, want $3"
    if [ -z "$why" ] && [ -n "$6" ] && ! cmp -s "$4" "$6"; then why="stdout differs"; fi
    if [ -z "$why" ] && [ -n "$7" ]; then
        err=$(cat "$5")
        case "$err" in $7) ;; *) why="stderr does not match: $7";; esac
    fi
    if [ -z "$why" ]; then echo ok > "$8"
    else
        {
            echo "not ok: $why"
            [ "$why" = "stdout differs" ] && diff "$6" "$4" | head -20 | sed 's/^/#   /'
            sed 's/^/#   stderr: /' "$5" | head -20
        } > "$8"
    fi
}

if [ "$1" = --one ]; then
    # Worker: run case $3 (PROG/NAME or PROG/TABLE:ROW), result into dir $2.
    id=$3 results=$2 update=$4
    out=$results/$(printf '%s' "$id" | tr '/:' '__')
    dir=$(mktemp -d)
    case $id in
    *:*)
        table=$cli/${id%%:*}.tsv row=${id#*:}
        line=$(awk -F'\t' -v r="$row" '$1 == r' "$table")
        want=$(printf '%s\n' "$line" | cut -f2)
        pat=$(printf '%s\n' "$line" | cut -f3)
        cmd=$(printf '%s\n' "$line" | cut -f4-)
        ( cd "$dir" && sh -ec "$cmd" >stdout 2>stderr ); status=$?
        check "$id" "$status" "$want" "$dir/stdout" "$dir/stderr" "" "$pat" "$out"
        ;;
    *)
        base=$cli/$id
        ( cd "$dir" && sh -e "$base.sh" >stdout 2>stderr ); status=$?
        want=0; [ -f "$base.exit" ] && want=$(cat "$base.exit")
        exact=; [ -f "$base.stdout.exact" ] && exact=$base.stdout.exact
        pat=; [ -f "$base.stderr.glob" ] && pat=$(cat "$base.stderr.glob")
        if [ -n "$update" ] && [ -n "$exact" ] && ! cmp -s "$dir/stdout" "$exact"; then
            cp "$dir/stdout" "$exact"
            echo "# updated $exact" >&2
        fi
        check "$id" "$status" "$want" "$dir/stdout" "$dir/stderr" "$exact" "$pat" "$out"
        ;;
    esac
    rm -rf "$dir"
    exit 0
fi

update=
if [ "$1" = --update ]; then update=1; shift; fi

# Every case id, in name order: PROG/NAME, and PROG/TABLE:ROW for table rows.
list() {
    for f in "$cli"/*/*.sh "$cli"/*/*.tsv; do
        [ -e "$f" ] || continue
        prog=$(basename "$(dirname "$f")")
        case $f in
        *.sh) echo "$prog/$(basename "$f" .sh)" ;;
        *.tsv) t=$(basename "$f" .tsv)
               awk -F'\t' -v p="$prog/$t" '!/^#/ && NF >= 4 { print p ":" $1 }' "$f" ;;
        esac
    done | LC_ALL=C sort
}

# Keep the ids that one of the arguments names (a program, a case, a table).
pick() {
    if [ $# = 0 ]; then cat; return; fi
    awk -v want="$*" 'BEGIN { n = split(want, w, " ") }
        { for (k = 1; k <= n; k++) {
              id = $0; tab = id; sub(/:.*/, "", tab)
              if (id == w[k] || tab == w[k] || index(id, w[k] "/") == 1) { print; break } } }'
}

ids=$(list | pick "$@")
for a in "$@"; do
    printf '%s\n' "$ids" | awk -v w="$a" '{ id = $0; tab = id; sub(/:.*/, "", tab) }
        id == w || tab == w || index(id, w "/") == 1 { found = 1 } END { exit !found }' ||
        { echo "Bail out! no case named $a"; exit 1; }
done
[ -n "$ids" ] || { echo "Bail out! no cases in $cli"; exit 1; }

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
jobs=${RS_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
printf '%s\n' "$ids" | xargs -P "$jobs" -I{} sh "$0" --one "$results" {} "$update"
n=0; fail=0
for id in $ids; do
    n=$((n + 1))
    r=$results/$(printf '%s' "$id" | tr '/:' '__')
    if [ -f "$r" ] && [ "$(head -1 "$r")" = ok ]; then
        echo "ok $n - $id"
    else
        fail=$((fail + 1))
        if [ -f "$r" ]; then
            echo "not ok $n - $id: $(head -1 "$r" | sed 's/^not ok: //')"
            tail -n +2 "$r"
        else
            echo "not ok $n - $id: no result"
        fi
    fi
done
echo "1..$n"
[ "$fail" = 0 ]
