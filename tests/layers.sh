#!/bin/sh
# The layer rule of lib/README: a file in lib/LAYER/ includes only headers
# of its own layer or of layers below it; cmd/, tests/ and bench/ sit above
# them all.  Usage: tests/layers.sh [TOP]; prints each offending include as
# FILE:LINE: includes HEADER (layer above LAYER) and exits 1, else exits 0.
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
order="common format prep model score eval tune serve cli"
rank() { i=0; for l in $order; do [ "$l" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done; echo -1; }
bad=0
for dir in "$top"/lib/*/; do
    layer=$(basename "$dir")
    mine=$(rank "$layer")
    if [ "$mine" -lt 0 ]; then
        echo "lib/$layer: not a layer of lib/README ($order)"; bad=1; continue
    fi
    for f in "$dir"*.[ch]; do
        [ -e "$f" ] || continue
        grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r hit; do
            line=${hit%%:*}
            hdr=$(printf '%s\n' "$hit" | sed 's/^[^"]*"\([^"]*\)".*/\1/')
            case $hdr in
                */*) their=$(rank "${hdr%%/*}") ;;
                *) echo "lib/$layer/$(basename "$f"):$line: includes \"$hdr\" without its layer folder"; continue ;;
            esac
            if [ "$their" -lt 0 ] || [ "$their" -gt "$mine" ]; then
                echo "lib/$layer/$(basename "$f"):$line: includes \"$hdr\" (layer above $layer)"
            fi
        done
    done
done > "${TMPDIR:-/tmp}/layers.$$"
if [ -s "${TMPDIR:-/tmp}/layers.$$" ]; then bad=1; cat "${TMPDIR:-/tmp}/layers.$$"; fi
rm -f "${TMPDIR:-/tmp}/layers.$$"
exit $bad
