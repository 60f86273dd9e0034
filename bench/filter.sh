#!/bin/sh
# Issue 19's first row: rs-filter's read + filter of the ML-20M-sized CSV,
# next to the limit (a plain scan of the same file: wc -l, one thread,
# from the page cache) and pandas's read_csv + the same filter, all in
# this run.  Self-contained and under a minute:
#   sh bench/filter.sh BIN_DIR RATINGS.csv
# What is timed:
#   rs-filter read+filter   rs-filter ARGS --limit 0: parse, build the table,
#                           rating threshold, counts, dedup; nothing written
#   + TSV                   rs-filter ARGS > /dev/null: the same and the
#                           9.7M kept rows written as canonical TSV
#   limit                   wc -l < FILE (the file is read once before, so
#                           every run reads the page cache)
#   pandas                  pd.read_csv + the same threshold and counts,
#                           timed inside Python (no start-up, no output);
#                           one thread, so its CPU time is about its wall
#                           time, while rs-filter's is spread over -j cores
# The machine may be shared: each is run RUNS times (default 3; pandas 2)
# and keeps its best wall time; CPU seconds (user + system) are the best
# too.  Ratios are of the best wall times of this run.
set -e
bin=$1; data=$2
here=$(cd "$(dirname "$0")" && pwd)
runs=${RUNS:-3}
args="--min-rating 4 --min-item-users 5 --min-user-items 10"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat "$data" > /dev/null
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }'; }
# best RUNS CMD...: best wall in $w, best CPU in $c
best() {
    n=$1; shift; w= c=
    for k in $(seq "$n"); do
        /usr/bin/time -f "%e %U %S" -o "$work/t" "$@"
        read -r e u s < "$work/t"
        w=$(min "$e" "$w"); c=$(min "$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')" "$c")
    done
}
best "$runs" sh -c "wc -l < '$data' > /dev/null"; scan=$w; scan_cpu=$c
best "$runs" sh -c "'$bin/rs-filter' $args --limit 0 '$data'"; rs=$w; rs_cpu=$c
best "$runs" sh -c "'$bin/rs-filter' $args '$data' > '$work/f.tsv'"; out=$w; out_cpu=$c
rows=$(wc -l < "$work/f.tsv")
pd= pd_rows= pd_cpu=
if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
    for k in 1 2; do
        /usr/bin/python3 "$here/peers/prep_pandas.py" "$data" 4 5 10 > "$work/pd"
        pd=$(min "$(awk '/^(read|filter)\t/ { s += $2 } END { print s }' "$work/pd")" "$pd")
        pd_rows=$(awk '/^rows\t/ { print $2 }' "$work/pd")
        pd_cpu=$(min "$(awk '/^cpu\t/ { print $2 }' "$work/pd")" "$pd_cpu")
    done
fi
mb=$(( $(wc -c < "$data") / 1000000 ))
awk -v mb="$mb" -v scan="$scan" -v scan_cpu="$scan_cpu" -v rs="$rs" -v rs_cpu="$rs_cpu" \
    -v out="$out" -v out_cpu="$out_cpu" -v pd="$pd" -v cores="$(nproc)" -v rows="$rows" \
    -v pd_rows="$pd_rows" -v pd_cpu="$pd_cpu" 'BEGIN {
    printf "rs-filter read+filter, %d MB CSV (-j %d): %.2f s (%.0f MB/s; CPU %.2f s); with the TSV written %.2f s (CPU %.2f s)\n", mb, cores, rs, mb / rs, rs_cpu, out, out_cpu;
    printf "  limit, wc -l of the same file: %.2f s (%.0f MB/s); rs-filter / limit: %.1fx\n", scan, mb / scan, rs / scan;
    if (pd != "") {
        printf "  pandas read_csv + filter: %.2f s (CPU %.2f s); pandas / rs-filter: %.1fx (target >= 5x), in CPU seconds %.1fx\n", pd, pd_cpu, pd / rs, pd_cpu / rs_cpu;
        printf "  rows kept: rs-filter %d, pandas %d\n", rows, pd_rows;
    }
    else print "  pandas not installed: no peer figure";
    printf "  best of several runs each, wall-clock; CPU = user + system\n";
    printf "row: rs-filter read + filter, %d MB CSV, -j %d | %.2f s (cpu %.2f s) | wc -l %.2f s; pandas %.2f s (cpu %.2f s) | %.1fx the scan; pandas %.1fx slower (cpu %.1fx)\n", mb, cores, rs, rs_cpu, scan, pd, pd_cpu, rs / scan, pd == "" ? 0 : pd / rs, pd == "" ? 0 : pd_cpu / rs_cpu }'
