#!/bin/sh
# rs-split invariants on a generated table (unique rows, users interleaved,
# timestamps with ties): train + test = input for every mode, input order
# kept, user folds test every user exactly once, rating folds every row
# exactly once, and --last agrees with Python's slicing when python3 is here.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=${RS_BIN:-$top/build/bin}:$PATH
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
n=0; fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else fail=$((fail + 1)); echo "not ok $n - $2"; fi; }

# 300 users with 1..30 rows each, an LCG (exact in awk's doubles) for
# portability, rows put in a random order so users interleave.
awk 'BEGIN {
    x = 12345
    for (u = 1; u <= 300; u++) {
        x = (x * 16807) % 2147483647; m = 1 + x % 30
        for (i = 1; i <= m; i++) {
            x = (x * 16807) % 2147483647; t = 1000 + x % 12
            x = (x * 16807) % 2147483647; r = 1 + x % 5
            x = (x * 16807) % 2147483647
            print x "\tu" u "\tit" u "_" i "\t" r "\t" t
        }
    }
}' | sort -n | cut -f2- > in.tsv
rows=$(wc -l < in.tsv)
users=$(cut -f1 in.tsv | sort -u | wc -l)
# line number of each row, to check that outputs keep input order
awk '{ print $0 "\t" NR }' in.tsv > numbered

in_order() {   # file: its rows appear in input order
    awk -F'\t' -v OFS='\t' 'NR == FNR { k = $1 OFS $2 OFS $3 OFS $4; no[k] = $5; next }
        { k = $1 OFS $2 OFS $3 OFS $4; if (!(k in no) || no[k] <= last) bad = 1; last = no[k] }
        END { exit bad }' numbered "$1"
}
covers() {     # train test: together exactly the input, each in input order
    cat "$1" "$2" | sort > u.s; sort in.tsv > in.s
    cmp -s u.s in.s && in_order "$1" && in_order "$2"
}

for mode in "--last 3" "--last 3 --by order" "--frac 0.3" "--users-frac 0.2" \
            "--users-frac 0.5 --last 2" "--folds 4 --fold 2 --last 1" \
            "--folds 4 --fold 4 --frac 0.5" "--folds 5 --fold 3"; do
    rs-split $mode -t test.tsv in.tsv > train.tsv; st=$?
    covers train.tsv test.tsv; ok $(( st + $? )) "$mode: train + test = input, input order kept"
done

# User folds: every user gives test rows in exactly one fold, and
# fold sizes (in users) differ by at most one.
for how in "--last 3" "--frac 0.6"; do  # 0.6: even a 1-row user gives one
    : > tested; : > sizes
    for f in 1 2 3 4 5; do
        rs-split --folds 5 --fold $f $how --seed 9 -t t$f.tsv in.tsv > r$f.tsv || echo fail >> tested
        cut -f1 t$f.tsv | sort -u > tu$f
        cat tu$f >> tested; wc -l < tu$f >> sizes
    done
    sort tested | uniq -c | awk -v u=$users '$1 != 1 { bad = 1 } END { exit bad || NR != u }'
    ok $? "5 user folds ($how): $users users, each tested in exactly one fold"
    sort -n sizes | sed -n '1p;$p' | awk 'NR == 1 { lo = $1 } NR == 2 { exit $1 - lo > 1 }'
    ok $? "5 user folds ($how): group sizes differ by at most one"
done

# Rating-level folds: the test folds partition the input.
for f in 1 2 3 4 5; do rs-split --folds 5 --fold $f -t t$f.tsv in.tsv > r$f.tsv; done
cat t1.tsv t2.tsv t3.tsv t4.tsv t5.tsv | sort > all.s
sort in.tsv | cmp -s - all.s
ok $? "rating-level 5-fold: every row ($rows) in exactly one test fold"
big=$(wc -l t1.tsv t2.tsv t3.tsv t4.tsv t5.tsv | sed '$d' | awk '{ print $1 }' | sort -n | sed -n '1p;$p' | tr '\n' ' ')
set -- $big
[ $(($2 - $1)) -le 1 ]; ok $? "rating-level folds sizes differ by at most one ($1..$2)"

# Seeds: same seed same split, another seed another split.
rs-split --frac 0.3 --seed 5 -t a.tsv in.tsv > a.r
rs-split --frac 0.3 --seed 5 -t b.tsv in.tsv > b.r
rs-split --frac 0.3 --seed 6 -t c.tsv in.tsv > c.r
cmp -s a.tsv b.tsv && cmp -s a.r b.r; ok $? "--frac: same seed, same split"
! cmp -s a.tsv c.tsv; ok $? "--frac: another seed, another split"
rs-split --folds 3 --fold 1 --last 2 --seed 5 -t a.tsv in.tsv > /dev/null
rs-split --folds 3 --fold 1 --last 2 --seed 6 -t c.tsv in.tsv > /dev/null
! cmp -s a.tsv c.tsv; ok $? "--folds: another seed, other users"

# Python's per-user slicing, by input order and by (time, input order).
if command -v python3 >/dev/null 2>&1; then
    cat > ref.py <<'PY'
import sys
n, by, which = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rows = [l.rstrip('\n').split('\t') for l in open('in.tsv')]
per = {}
for k, r in enumerate(rows):
    per.setdefault(r[0], []).append(k)
test = set()
for u, items in per.items():
    if by == 'time':
        items = sorted(items, key=lambda k: (int(rows[k][3]), k))
    test.update(items[-n:])
for k, r in enumerate(rows):
    if (k in test) == (which == 'test'):
        print('\t'.join(r))
PY
    for by in order time; do
        rs-split --last 3 --by $by -t test.tsv in.tsv > train.tsv
        python3 ref.py 3 $by test > want.test && python3 ref.py 3 $by train > want.train
        cmp -s want.test test.tsv && cmp -s want.train train.tsv
        ok $? "--last 3 --by $by = Python items[:-3], items[-3:] per user"
    done
else
    n=$((n + 1)); echo "ok $n # skip python3 not installed"
    n=$((n + 1)); echo "ok $n # skip python3 not installed"
fi

echo "1..$n"
[ "$fail" = 0 ]
