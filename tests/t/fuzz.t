#!/bin/sh
# Each libFuzzer harness of tests/fuzz/ over its seed corpus (including the
# inputs of past findings) and then a few seconds of fuzzing, so that a
# regression fails make test; make fuzz is the long run.  Skipped when
# clang's fuzzer runtime is not installed (make deps-test installs it).
# RS_FUZZ_SECONDS: fuzzing time per harness (default 3).
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
fuzz=${RS_FUZZ:-$top/build-fuzz}
secs=${RS_FUZZ_SECONDS:-3}
rt=$(${FUZZ_CC:-clang} -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null)
if [ ! -f "$rt" ]; then echo "1..0 # SKIP clang's libFuzzer runtime missing (libclang-rt-14-dev)"; exit 0; fi
names=$(cd "$top/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Two at a time, each in the background; results in name order.
run() {
    bin=$fuzz/fuzz_$1
    if [ ! -x "$bin" ]; then echo "not built: $bin (make fuzz-build)" > "$work/$1.log"; echo 1 > "$work/$1.rc"; return; fi
    mkdir -p "$work/$1" "$fuzz/findings"
    "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len=16384 \
        -artifact_prefix="$fuzz/findings/$1-" "$work/$1" "$top/tests/fuzz/corpus/$1" > "$work/$1.log" 2>&1
    echo $? > "$work/$1.rc"
}
set -- $names
while [ $# -gt 0 ]; do
    run "$1" & a=$!
    if [ $# -gt 1 ]; then run "$2" & b=$!; wait $b; shift; fi
    wait $a
    shift
done
n=0
for h in $names; do
    n=$((n + 1))
    runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$work/$h.log")
    if [ "$(cat "$work/$h.rc")" = 0 ]; then echo "ok $n - fuzz_$h: seeds and ${secs} s, ${runs:-?} runs, no finding"
    else
        echo "not ok $n - fuzz_$h"
        grep -E 'ERROR|assertion|SUMMARY|#[0-9]+ 0x|not built' "$work/$h.log" | head -20 | sed 's/^/#   /'
        grep -h "Test unit written to" "$work/$h.log" | sed 's/^/#   input: /'
    fi
done
echo "1..$n"
