#!/bin/sh
# rs-index on real MovieLens data (../shared/data, skipped when absent):
# the decoded matrix is the input grouped by user, stably, and the ids of a
# test part line up with the training part through --ids-from.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=${RS_BIN:-$top/build/bin}:$PATH
data=$top/../shared/data/ml-100k/u.data.zst
if [ -n "$RS_TEST_QUICK" ]; then echo "1..0 # SKIP RS_TEST_QUICK"; exit 0; fi
if [ ! -f "$data" ]; then echo "1..0 # SKIP no $data"; exit 0; fi
echo 1..5
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT; cd "$dir" || exit 1
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

zstd -dc "$data" > u.tsv
rs-index "$data" > u.bin; ok $? "index ml-100k u.data.zst"
# reference grouping: a stable sort by each user's first line number
awk -F'\t' '!($1 in first) { first[$1] = NR } { print first[$1] "\t" NR "\t" $0 }' u.tsv \
    | sort -t "$(printf '\t')" -k1,1n -k2,2n | cut -f3- > want.tsv
rs-index --decode u.bin > got.tsv
cmp -s want.tsv got.tsv; ok $? "decode = input grouped by user, stably (100000 rows)"
[ "$(rs-index --block users u.bin | wc -l)" = 943 ] && [ "$(rs-index --block items u.bin | wc -l)" = 1682 ]
ok $? "943 users, 1682 items"
head -90000 u.tsv > train.tsv; tail -10000 u.tsv > test.tsv
rs-index train.tsv > train.bin && rs-index --ids-from train.bin test.tsv > test.bin 2> err
ok $? "--ids-from on the last 10000 rows"
# every decoded test row is a test row whose user and item train knows
rs-index --block users train.bin > tu; rs-index --block items train.bin > ti
awk -F'\t' 'FILENAME == "tu" { u[$0] = 1; next } FILENAME == "ti" { i[$0] = 1; next }
            ($1 in u) && ($2 in i)' tu ti test.tsv | sort > kept.tsv
rs-index -d test.bin | sort | cmp -s - kept.tsv; ok $? "test rows kept are exactly those with known ids"
