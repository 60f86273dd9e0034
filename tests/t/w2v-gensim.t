#!/bin/sh
# rs-w2v against gensim 4: gensim's KeyedVectors.load_word2vec_format reads
# --export word2vec back exactly, and gensim's own predict_output_word,
# given rs-w2v's vectors, recommends what rs-recommend does.  Skips without
# /usr/bin/python3 and gensim, and under RS_TEST_QUICK=1 (gensim is slow to
# import).
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${RS_BIN:-$top/build/bin}
py=/usr/bin/python3
if [ -n "$RS_TEST_QUICK" ]; then echo "1..0 # SKIP RS_TEST_QUICK"; exit 0; fi
if [ ! -x "$py" ] || ! "$py" -c 'import gensim' 2>/dev/null; then
    echo "1..0 # SKIP no gensim for $py"; exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
echo "1..4"

# Three overlapping clusters of items with string ids, one below min-count.
awk 'BEGIN { s = 5; for (u = 0; u < 150; u++) for (p = 0; p < 12; p++) {
    s = (s * 1103515245 + 12345) % 2147483648; c = u % 3;
    printf "user%d\titem-%d\n", u, c * 8 + int(s / 65536) % 12 } }' > train.tsv
printf 'user0\tlonely\n' >> train.tsv
"$bin/rs-w2v" -j 1 --sg -k 12 --epochs 5 --min-count 2 train.tsv > m.rsm
"$bin/rs-w2v" -j 1 --sg -k 12 --epochs 5 --min-count 2 --export word2vec train.tsv > v.txt
"$bin/rs-index" --block w2v_in m.rsm > in.txt
"$bin/rs-index" --block w2v_out m.rsm > out.txt
"$bin/rs-recommend" -m m.rsm -n 5 > recs.tsv

"$py" - > result.txt 2> py.err <<'EOF'
import numpy as np
from gensim.models import KeyedVectors, Word2Vec

kv = KeyedVectors.load_word2vec_format('v.txt', binary=False)
def table(path):
    d = {}
    for line in open(path):
        p = line.rstrip('\n').split('\t')
        d[p[0]] = np.array([float(x) for x in p[1:]], dtype=np.float32)
    return d
vin, vout = table('in.txt'), table('out.txt')
vocab = [k for k in vin if np.any(vin[k] != 0)]
ok = len(kv) == len(vocab) and 'lonely' not in kv and kv.vector_size == 12
ok = ok and all(np.array_equal(kv[k], vin[k]) for k in vocab)
print('load', 'ok' if ok else 'differs: %d keys' % len(kv))

# gensim's scoring on rs-w2v's vectors.
seqs = {}
for line in open('train.tsv'):
    u, i = line.rstrip('\n').split('\t')[:2]
    seqs.setdefault(u, []).append(i)
m = Word2Vec(vector_size=12, min_count=2, sg=1, negative=5, seed=1, workers=1)
m.build_vocab(list(seqs.values()))
for k in m.wv.index_to_key:
    j = m.wv.get_index(k)
    m.wv.vectors[j] = vin[k]
    m.syn1neg[j] = vout[k]
ours = {}
for line in open('recs.tsv'):
    u, r, i, s = line.rstrip('\n').split('\t')
    ours.setdefault(u, []).append((i, float(s)))
same = items = 0
maxerr = 0.0
for u, hist in seqs.items():
    got = m.predict_output_word(hist, topn=5 + len(hist)) or []
    seen = set(hist)
    g = [(i, p) for i, p in got if i not in seen][:5]
    o = ours.get(u, [])
    items += 1
    same += [i for i, _ in g] == [i for i, _ in o]
    for (gi, gp), (oi, op) in zip(g, o):
        if gi == oi:
            maxerr = max(maxerr, abs(gp - op) / gp)
print('lists', same, 'of', items)
print('scores', 'ok' if maxerr < 1e-4 else 'differ %g' % maxerr)
EOF
status=$?
if grep -q '^load ok$' result.txt; then echo "ok 1 - gensim loads --export word2vec exactly"
else echo "not ok 1 - gensim load"; sed 's/^/# /' result.txt py.err | head -20; fi
n=$(awk '/^lists/ { print $2 }' result.txt); total=$(awk '/^lists/ { print $4 }' result.txt)
# Near-ties may order differently in float32 sums; allow a couple.
if [ -n "$n" ] && [ "$n" -ge $((total - 2)) ]; then echo "ok 2 - top-5 lists as predict_output_word: $n of $total users"
else echo "not ok 2 - top-5 lists as predict_output_word: ${n:-?} of ${total:-?}"; sed 's/^/# /' py.err | head; fi
if grep -q '^scores ok$' result.txt; then echo "ok 3 - scores are predict_output_word's probabilities"
else echo "not ok 3 - scores: $(grep '^scores' result.txt)"; fi
if [ "$status" = 0 ] && [ "$(grep -c '^user' recs.tsv)" -gt 0 ]; then echo "ok 4 - python ran, rs-recommend listed"
else echo "not ok 4 - python status $status"; fi
