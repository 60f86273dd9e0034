#!/bin/sh
# The whole pipe on N = 1, 2, 3 user shards, run side by side with xargs -P
# (GNU parallel's stand-in; examples/cluster/ has the parallel and Hadoop
# command lines), against the single run: rs-filter and rs-split give each
# user the rows of the unsharded run, rs-recommend the same lists, and
# rs-eval --merge of the shards' --partial sums the same report, byte for byte.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=${RS_BIN:-$top/build/bin}:$PATH
export PATH
data=$top/testdata
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

echo "1..27"
t=0
ok() { t=$((t + 1)); if [ "$1" = 0 ]; then echo "ok $t - $2"; else echo "not ok $t - $2"; fi; }

# The documented hash: FNV-1a 64 of "1" is 0xaf63ac4c86019afc, even: shard 1/2.
printf '1\ta\n1\tb\n2\ta\n' > tiny.tsv
rs-split --last 1 --by order --shard 1/2 -t tt.tsv < tiny.tsv > tr.tsv
[ "$(cut -f1 tt.tsv tr.tsv | sort -u)" = 1 ]
ok $? "FNV-1a 64: user 1 is in shard 1/2"

# Per user, stable: a user's rows in the order they come.
byuser() { sort -s -t "$(printf '\t')" -k1,1 "$@"; }

# The single run.
rs-filter --min-rating 3 --min-user-items 5 "$data/ratings.csv" > f.tsv
rs-split --last 5 -t test.tsv < f.tsv > train.tsv
rs-split --frac 0.2 --seed 7 --shard 1/1 -t ftest.tsv < f.tsv > ftrain.tsv
rs-index < train.tsv | rs-svd -a als -k 8 --iterations 5 --seed 3 -j 1 > m.rsm
rs-recommend -n 20 -j 1 -m m.rsm > recs.tsv
rs-eval -k 5,20 --format tsv -t test.tsv --train train.tsv --features "$data/movies.csv" \
    recs.tsv > report.tsv
[ -s report.tsv ] && [ -s recs.tsv ]
ok $? "the single run made lists and a report"

for n in 1 2 3; do
    shards=$(seq 1 $n)
    # Each shard filters and splits its own users, in parallel.
    echo "$shards" | xargs -P 2 -I{} sh -c "
        rs-filter --min-rating 3 --min-user-items 5 --shard {}/$n '$data/ratings.csv' > f.{}.tsv &&
        rs-split --last 5 --shard {}/$n -t test.{}.tsv < f.{}.tsv > train.{}.tsv &&
        rs-split --frac 0.2 --seed 7 --shard {}/$n -t ftest.{}.tsv < f.{}.tsv > ftrain.{}.tsv"
    for s in $shards; do cat f.$s.tsv; done | byuser > fs.tsv
    byuser f.tsv | cmp -s - fs.tsv
    ok $? "N=$n: rs-filter --shard: every user's rows as unsharded"
    for s in $shards; do cat test.$s.tsv; done | byuser > ts.tsv
    for s in $shards; do cat train.$s.tsv; done | byuser > trs.tsv
    byuser test.tsv | cmp -s - ts.tsv && byuser train.tsv | cmp -s - trs.tsv
    ok $? "N=$n: rs-split --last 5 --shard: the unsharded split"
    for s in $shards; do cat ftest.$s.tsv; done | byuser > fts.tsv
    byuser ftest.tsv | cmp -s - fts.tsv
    ok $? "N=$n: rs-split --frac --shard: the split of --shard 1/1"
    # The model is trained once (rs-svd is not sharded); each shard scores its users.
    echo "$shards" | xargs -P 2 -I{} sh -c "
        rs-recommend -n 20 -j 1 --shard {}/$n -m m.rsm > recs.{}.tsv &&
        rs-eval --partial -k 5,20 -t test.{}.tsv --train train.tsv \
            --features '$data/movies.csv' recs.{}.tsv > part.{}.tsv"
    for s in $shards; do cat recs.$s.tsv; done | byuser > rs.tsv
    byuser recs.tsv | cmp -s - rs.tsv
    ok $? "N=$n: rs-recommend --shard: the same lists"
    rs-eval --merge --format tsv $(for s in $shards; do echo part.$s.tsv; done) > merged.tsv
    cmp -s report.tsv merged.tsv
    ok $? "N=$n: rs-eval --merge of the partials is the unsharded report, byte for byte"
done

# A user in no shard, or in two: the shards partition the users.
for s in 1 2 3; do cut -f1 recs.$s.tsv | sort -u; done | sort | uniq -d > dup.txt
[ ! -s dup.txt ] && [ "$(cut -f1 recs.tsv | sort -u | wc -l)" = "$(cut -f1 rs.tsv | sort -u | wc -l)" ]
ok $? "N=3: every user in exactly one shard"

# Other formats keep the user first: jsonl starts with it.
rs-recommend -n 3 -j 1 --shard 2/3 -f jsonl -m m.rsm | head -1 | grep -q '^{"user":'
ok $? "jsonl lines start with the user"

# An empty shard: no user of its test set (with or without lists, of users
# the test set does not have).  --partial writes zero users, and --merge
# with the other shards is the report of the whole, byte for byte.
: > empty.tsv
cat test.1.tsv test.2.tsv > test12.tsv
rs-eval -k 5,20 --format tsv -t test12.tsv --train train.tsv --features "$data/movies.csv" \
    recs.tsv > report12.tsv
for lists in recs.3.tsv empty.tsv; do
    rs-eval --partial -k 5,20 -t empty.tsv --train train.tsv --features "$data/movies.csv" \
        "$lists" > "part.e-$lists" || echo "# --partial failed on an empty shard ($lists)"
done
grep -qx "$(printf 'count\tusers\t0')" part.e-recs.3.tsv && grep -qx "$(printf 'count\tusers\t0')" part.e-empty.tsv
ok $? "--partial on an empty shard (lists of users not in its test set, or none): zero users"
rs-eval --merge --format tsv part.1.tsv part.2.tsv part.e-recs.3.tsv part.e-empty.tsv > merged12.tsv
cmp -s report12.tsv merged12.tsv
ok $? "--merge with empty shards: the unsharded report, byte for byte"

# Partials that do not belong together, and what cannot merge.
rs-eval --partial -k 10 -t test.1.tsv --train train.tsv recs.1.tsv > p10.tsv
rs-eval --merge part.1.tsv p10.tsv > /dev/null 2> err.txt
[ $? = 1 ] && grep -q 'cutoffs 10, but the first partial has 5,20' err.txt
ok $? "--merge refuses partials with other cutoffs"
rs-eval --partial --beyond -t test.1.tsv recs.1.tsv > /dev/null 2> err.txt
[ $? = 2 ] && grep -q 'cannot merge from shards' err.txt
ok $? "--partial refuses --beyond"
rs-eval --merge recs.1.tsv > /dev/null 2> err.txt
[ $? = 1 ] && grep -q 'not an rs-eval --partial file' err.txt
ok $? "--merge refuses a file that is not a partial"
rs-filter --core 2 --shard 1/2 "$data/ratings.csv" > /dev/null 2> err.txt
[ $? = 2 ] && grep -q 'need every user' err.txt
ok $? "rs-filter --shard refuses --core"
rs-split --folds 5 --fold 1 --last 1 --shard 1/2 -t x.tsv < f.tsv > /dev/null 2> err.txt
[ $? = 2 ] && grep -q 'choose among all users' err.txt
ok $? "rs-split --shard refuses --folds"
rs-recommend --shard 3/2 -m m.rsm > /dev/null 2> err.txt
[ $? = 2 ] && grep -q "is not I/N" err.txt
ok $? "--shard 3/2 is a usage error"
