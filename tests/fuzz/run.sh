#!/bin/sh
# make fuzz: run each harness of tests/fuzz/ for SECONDS, JOBS at a time,
# then print the executions of each (from libFuzzer's final stats).
#   sh tests/fuzz/run.sh BUILD SECONDS [JOBS]
# The working corpus grows in BUILD/corpus/NAME (seeded from
# tests/fuzz/corpus/NAME, which stays as committed); a finding is written
# to BUILD/findings/NAME-crash-... with libFuzzer's report in BUILD/logs/NAME.log.
set -u
build=$1 secs=$2 jobs=${3:-1}
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" = --one ]; then
    build=$2 secs=$3 name=$4
    mkdir -p "$build/corpus/$name" "$build/findings" "$build/logs"
    dict=; [ -f "$top/tests/fuzz/$name.dict" ] && dict=-dict=$top/tests/fuzz/$name.dict
    "$build/fuzz_$name" -max_total_time="$secs" -print_final_stats=1 -timeout=20 \
        -rss_limit_mb=2048 -max_len=16384 $dict \
        -artifact_prefix="$build/findings/$name-" \
        "$build/corpus/$name" "$top/tests/fuzz/corpus/$name" > "$build/logs/$name.log" 2>&1
    echo $? > "$build/logs/$name.status"
    exit 0
fi
names=$(cd "$top/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
echo "rs fuzz: $(echo $names | wc -w) harnesses, ${secs} s each, $jobs at a time"
for n in $names; do echo "$n"; done | xargs -P "$jobs" -I{} sh "$0" --one "$build" "$secs" {}
bad=0
printf '%-12s %12s %8s  %s\n' harness executions exec/s result
for n in $names; do
    log=$build/logs/$n.log
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    if [ "$(cat "$build/logs/$n.status")" = 0 ]; then res=ok
    else res="FINDING: see $log"; bad=1; fi
    printf '%-12s %12s %8s  %s\n' "$n" "${runs:-?}" "${rate:-?}" "$res"
done
exit $bad
