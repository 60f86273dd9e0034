#!/bin/sh
# rs-knn --items against implicit's item-item models (CosineRecommender,
# TFIDFRecommender, BM25Recommender) written out in numpy in
# tests/t/knn_ref.py: the weighted similarities, each item's neighbours and
# the top-10 lists (user_items . similarity).  On ml-100k when
# ../shared/data has it (not under RS_TEST_QUICK=1), else on testdata/.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=${RS_BIN:-$top/build/bin}:$PATH
data=$top/../shared/data/ml-100k/u.data.zst
py=/usr/bin/python3
if ! $py -c 'import scipy, numpy' 2>/dev/null; then echo "1..0 # SKIP no numpy/scipy for $py"; exit 0; fi
echo 1..4
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT; cd "$dir" || exit 1
if [ -f "$data" ] && [ "${RS_TEST_QUICK:-0}" != 1 ]; then
    rs-index "$data" > m.rsm; what=ml-100k
else
    rs-filter "$top/testdata/ratings.csv" | rs-index > m.rsm; what=testdata
fi
rs-index --decode m.rsm > m.tsv
for w in none tfidf bm25; do
    rs-knn --items -k 20 --weight $w --neighbors m.rsm > nb-$w.tsv
    rs-knn --items -k 20 --weight $w m.rsm | rs-recommend -n 10 > recs-$w.tsv
done
T=$(printf '\t')
$py "$top/tests/t/knn_ref.py" tap <<END
0${T}$what: --weight none: neighbours and top-10 lists = implicit's CosineRecommender${T}item-recs${T}m.tsv${T}none${T}20${T}10${T}nb-none.tsv${T}recs-none.tsv
0${T}$what: --weight tfidf: the same = TFIDFRecommender${T}item-recs${T}m.tsv${T}tfidf${T}20${T}10${T}nb-tfidf.tsv${T}recs-tfidf.tsv
0${T}$what: --weight bm25: the same = BM25Recommender (K1 1.2, B 0.75)${T}item-recs${T}m.tsv${T}bm25${T}20${T}10${T}nb-bm25.tsv${T}recs-bm25.tsv
1${T}the comparison can fail: cosine is not bm25${T}item-recs${T}m.tsv${T}bm25${T}20${T}10${T}nb-none.tsv${T}recs-none.tsv
END
