#!/bin/sh
# rs-index --block on a model: factor rows labelled with ids (needs rs-svd;
# skipped when it has not been built).
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=${RS_BIN:-$top/build/bin}:$PATH
if ! command -v rs-svd > /dev/null; then echo "1..0 # SKIP rs-svd not built"; exit 0; fi
echo 1..5
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT; cd "$dir" || exit 1
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

awk 'BEGIN { for (u = 1; u <= 200; u++) for (k = 1; k <= 15; k++)
    printf "user-%d\tmovie %d\t%d\n", u, (u * 7 + k * 13) % 97, (u + k) % 5 + 1 }' > x.tsv
rs-index x.tsv | rs-svd -k 3 > model.bin 2> err; ok $? "rs-svd -k 3 on an rs-index matrix"
rs-index --block item_factors model.bin > f.tsv
rs-index --block items model.bin > items
cut -f1 f.tsv | cmp -s - items; ok $? "item_factors rows start with the item ids, in id order"
awk -F'\t' 'NF != 4 { bad = 1 } END { exit bad }' f.tsv; ok $? "id + 3 factors a line"
rs-index --block item_factors --no-ids model.bin > raw.tsv
cut -f2- f.tsv | cmp -s - raw.tsv; ok $? "--no-ids prints the same numbers without ids"
rs-index -d model.bin | cmp -s - x.tsv; ok $? "a model decodes to its training interactions"
