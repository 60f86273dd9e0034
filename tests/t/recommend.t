#!/bin/sh
# rs-recommend on a small synthetic data set (rs-gen): properties that hold
# for any model, and, when ../shared/data has it, ml-100k with its titles.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=${RS_BIN:-$top/build/bin}:$PATH
export PATH
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

echo "1..9"
t=0
ok() { t=$((t + 1)); if [ "$1" = 0 ]; then echo "ok $t - $2"; else echo "not ok $t - $2"; fi; }
skip() { t=$((t + 1)); echo "ok $t # skip $1"; }

rs-gen --users 400 --items 500 --ratings 16000 -f tsv > train.tsv
rs-gen --users 400 --items 500 --ratings 16000 --movies > movies.csv
rs-index train.tsv > m.rsm
rs-svd -k 12 m.rsm > svd.rsm
rs-recommend -n 10 svd.rsm > all.tsv

# Scores of a user's row may differ in the last bit between a block of 1024
# users and a block of 3 (BLAS takes other paths), so compare the ranked
# items, which is what a near-tie could change and here does not.
rs-recommend -n 10 -m svd.rsm -u 17 -u 3 -u 350 | cut -f1-3 > some.tsv
{ for u in 17 3 350; do grep "^$u	" all.tsv; done; } | cut -f1-3 > want.tsv
cmp -s want.tsv some.tsv
ok $? "--user gives the users' rows of the all-users output, in the order asked"

# Training items never come back.
awk -F'\t' 'NR == FNR { seen[$1 "\t" $2] = 1; next } ($1 "\t" $3) in seen { bad++ } END { exit bad > 0 }' \
    train.tsv all.tsv
ok $? "no user is recommended an item she rated"

[ "$(wc -l < all.tsv)" -eq 4000 ] && [ "$(cut -f1 all.tsv | uniq | wc -l)" -eq 400 ]
ok $? "10 lines for each of the 400 users, grouped by user"

# Fold-in of a training user's own rows gives her factors back (rs-svd's
# fold-in is exact for SVD), hence her list.
for u in 5 77 123 250 399; do grep "^$u	" train.tsv; done | sed 's/^/h/' > hist.tsv
rs-recommend -n 10 -m svd.rsm --history hist.tsv | cut -f1-3 | sed 's/^h//' > folded.tsv
{ for u in 5 77 123 250 399; do grep "^$u	" all.tsv; done; } | cut -f1-3 > want.tsv
cmp -s want.tsv folded.tsv
ok $? "--history with a model user's rows gives that user's list"

if [ -x /usr/bin/python3 ]; then
    rs-recommend -n 5 -f jsonl --items movies.csv svd.rsm > recs.jsonl
    /usr/bin/python3 -m json.tool --json-lines recs.jsonl > /dev/null &&
        [ "$(/usr/bin/python3 -c 'import json,sys
n = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert len(o["items"]) == len(o["scores"]) == len(o["titles"]) == 5
    n += 1
print(n)' recs.jsonl)" = 400 ]
    ok $? "jsonl is valid JSON (python3 json.tool), one object per user"
else
    skip "python3 not available"
fi

rs-recommend -n 3 --items movies.csv svd.rsm > titled.tsv
awk -F'\t' 'NF != 5 || $5 == "" { bad++ } END { exit bad > 0 }' titled.tsv
ok $? "--items movies.csv (quoted titles with commas): a 5th column on every line"

rs-recommend -n 10 --popular -j 2 svd.rsm > pop.tsv
rs-recommend -n 10 -j 1 m.rsm | cmp -s - pop.tsv
ok $? "--popular on a model equals the bare matrix, -j 2 equals -j 1"

data=$top/../shared/data/ml-100k
if [ -n "$RS_TEST_QUICK" ]; then
    skip "real data under RS_TEST_QUICK"
    skip "real data under RS_TEST_QUICK"
elif [ ! -f "$data/u.data.zst" ] || [ ! -f "$data/u.item.zst" ]; then
    skip "ml-100k not in ../shared/data"
    skip "ml-100k not in ../shared/data"
else
    zstd -dc "$data/u.data.zst" | rs-index | rs-svd -k 20 > ml.rsm
    rs-recommend -v -n 10 --items "$data/u.item.zst" ml.rsm > ml.tsv 2> ml.err
    grep -q 'titles for 1682 of 1682 items' ml.err && [ "$(wc -l < ml.tsv)" -eq 9430 ] &&
        iconv -f UTF-8 -t UTF-8 ml.tsv > /dev/null
    ok $? "ml-100k u.item: every item titled, output valid UTF-8"
    rs-recommend -n 1 --items "$data/u.item.zst" -u 1 ml.rsm | grep -q '^1	1	[0-9]*	[0-9.]*	.*(19[0-9][0-9])$'
    ok $? "ml-100k: --user 1 with a title"
fi
