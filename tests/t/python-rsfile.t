#!/bin/sh
# python/rsfile.py reads every kind of file rs writes as rs-index --decode
# does: the matrix (TSV back from pandas and scipy), factor, neighbour and
# item2vec blocks (numbers equal), id maps, meta; and refuses a damaged file.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${RS_BIN:-$top/build/bin}
PATH=$bin:$PATH
py=/usr/bin/python3
if ! $py -c 'import numpy, scipy, pandas, zstandard' 2>/dev/null; then
    echo "1..0 # SKIP /usr/bin/python3 lacks numpy, scipy, pandas or zstandard"; exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
echo "1..9"
rs-filter --min-rating 4 "$top/testdata/ratings.csv" | rs-split --last 5 -t test.tsv > train.tsv
rs-index train.tsv > m.rsm
rs-index -z train.tsv | zstd -q -c > mz.rsm.zst
rs-svd -k 8 m.rsm > svd.rsm
rs-svd -a als -k 8 --iterations 3 m.rsm > als.rsm
rs-knn --items -k 10 m.rsm > knn.rsm
rs-w2v --epochs 2 --vector-size 8 m.rsm > w2v.rsm 2>/dev/null
export PYTHONPATH=$top/python
# The matrix back as canonical TSV, as rs-index --decode writes it.
rs-index --decode m.rsm > want.tsv
$py - m.rsm > got.tsv <<'PY'
import sys, rsfile
b = rsfile.load(sys.argv[1])
df = b.interactions()
for r in df.itertuples(index=False):
    print("%s\t%s\t%s\t%d" % (r.user, r.item, format(float(r.rating), "g"), r.time))
PY
cmp -s want.tsv got.tsv; ok $? "the matrix as pandas equals rs-index --decode"
$py - mz.rsm.zst m.rsm <<'PY'
import sys, rsfile
a, b = rsfile.load(sys.argv[1]), rsfile.load(sys.argv[2])
X, Y = a.matrix(), b.matrix()
assert a.users == b.users and a.items == b.items
assert (X != Y).nnz == 0 and X.shape == (len(a.users), len(a.items))
PY
ok $? "block-compressed and zstd-wrapped files read the same; scipy CSR shape = id maps"
# check BUNDLE BLOCK: the block's numbers equal rs-index --block's text.
check() {
    rs-index --block "$2" --no-ids "$1" > want.txt
    $py - "$1" "$2" want.txt <<'PY'
import sys, numpy as np, rsfile
b = rsfile.load(sys.argv[1])
got = np.asarray(b[sys.argv[2]])
want = np.loadtxt(sys.argv[3], ndmin=2, dtype=np.float64).astype(got.dtype)
assert got.shape == want.reshape(got.shape).shape, (got.shape, want.shape)
assert np.array_equal(got, want.reshape(got.shape)), np.abs(got - want.reshape(got.shape)).max()
PY
}
check svd.rsm item_factors; ok $? "svd item_factors equal rs-index --block"
check als.rsm user_factors; ok $? "als user_factors equal rs-index --block"
check knn.rsm item_nbr_values; ok $? "knn neighbour similarities equal rs-index --block"
check w2v.rsm w2v_in; ok $? "w2v input vectors equal rs-index --block"
$py - svd.rsm <<'PY'
import sys, rsfile
b = rsfile.load(sys.argv[1])
P, Q = b.factors()
assert b.meta["model"] == "svd" and P.shape == (len(b.users), int(b.meta["k"]))
assert list(b.frame("item_factors").index) == b.items
PY
ok $? "meta, factors() and frame() agree with the id maps"
rs-recommend -n 3 svd.rsm > recs.tsv
$py - recs.tsv <<'PY'
import sys, rsfile
df = rsfile.read_lists(sys.argv[1])
assert list(df.columns) == ["user", "rank", "item", "score"] and len(df) > 0
assert (df.groupby("user")["rank"].max() == 3).all()
PY
ok $? "read_lists reads rs-recommend's TSV"
head -c 2000 svd.rsm > cut.rsm
printf '\377' | dd of=m.rsm bs=1 seek=100 conv=notrunc 2>/dev/null
$py - cut.rsm m.rsm <<'PY'
import sys, rsfile
for p in sys.argv[1:]:
    try:
        rsfile.load(p)
    except rsfile.RsFileError:
        continue
    raise SystemExit("%s: damage not caught" % p)
PY
ok $? "a truncated and a damaged file raise RsFileError"
