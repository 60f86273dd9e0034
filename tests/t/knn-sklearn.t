#!/bin/sh
# rs-knn on ml-100k against sklearn's brute-force cosine NearestNeighbors
# (the lesson's user-based KNN), ties aside: the neighbours of every user
# and every item, and the user model's top-10 lists against the lesson's
# recipe (tests/t/knn_ref.py).  Skipped without sklearn, without the data
# (../shared/data), or under RS_TEST_QUICK=1.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=${RS_BIN:-$top/build/bin}:$PATH
data=$top/../shared/data/ml-100k/u.data.zst
py=/usr/bin/python3
if [ "${RS_TEST_QUICK:-0}" = 1 ]; then echo "1..0 # SKIP RS_TEST_QUICK=1"; exit 0; fi
if [ ! -f "$data" ]; then echo "1..0 # SKIP no $data"; exit 0; fi
if ! $py -c 'import sklearn, scipy, numpy' 2>/dev/null; then echo "1..0 # SKIP no sklearn for $py"; exit 0; fi
echo 1..4
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT; cd "$dir" || exit 1
rs-index "$data" > u.rsm && rs-index --decode u.rsm > u.tsv
rs-knn --users -k 20 --neighbors u.rsm > users.tsv
rs-knn --items -k 20 --neighbors u.rsm > items.tsv
rs-knn --users -k 20 u.rsm | rs-recommend -n 10 > recs.tsv
rs-knn --users -k 19 --neighbors u.rsm > users19.tsv
T=$(printf '\t')
$py "$top/tests/t/knn_ref.py" tap <<END
0${T}20 nearest users of all 943 = sklearn's (cosine, brute), self left out${T}nbrs${T}u.tsv${T}users${T}20${T}users.tsv
0${T}20 nearest items of all 1682 = sklearn's${T}nbrs${T}u.tsv${T}items${T}20${T}items.tsv
0${T}user-KNN top-10 = sum of the sklearn neighbours' similarities, seen items out${T}user-recs${T}u.tsv${T}20${T}10${T}recs.tsv
1${T}the comparison can fail: 19 neighbours are not 20${T}nbrs${T}u.tsv${T}users${T}20${T}users19.tsv
END
