#!/bin/sh
# lib/ keeps its layers (tests/layers.sh), and the check itself catches an
# include from a layer above, so that a passing check means something.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
echo "1..4"
out=$(sh "$top/tests/layers.sh" "$top"); st=$?
[ $st = 0 ] && [ -z "$out" ]; ok $? "lib/ includes only its own or lower layers"
[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
missing=
for d in "$top"/lib/*/; do [ -s "$d/README" ] || missing="$missing $(basename "$d")"; done
[ -z "$missing" ] && [ -s "$top/lib/README" ]; ok $? "lib/ and every layer folder have a README${missing:+ (missing:$missing)}"
mkdir -p "$work/lib/common" "$work/lib/model"
printf '#include "model/mf.h"\n' > "$work/lib/common/io.c"
printf '#include "common/io.h"\n' > "$work/lib/model/mf.c"
out=$(sh "$top/tests/layers.sh" "$work"); st=$?
[ $st = 1 ] && [ "$out" = 'lib/common/io.c:1: includes "model/mf.h" (layer above common)' ]
ok $? "the check names an include from a layer above"
mkdir -p "$work/lib/misc"; rm "$work/lib/common/io.c"
out=$(sh "$top/tests/layers.sh" "$work"); st=$?
[ $st = 1 ] && [ "$out" = "lib/misc: not a layer of lib/README (common format prep model score eval tune serve cli)" ]
ok $? "a folder that is no layer is refused"
