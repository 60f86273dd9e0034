#!/bin/sh
# rs-index --format: a model's vectors where services read them.
#   jsonl     every line parses (Python's json), one document per user and
#             item, and the numbers are rs-index --block's (as float32)
#   redis     piped through redis-cli --pipe into a real redis-server (on a
#             free loopback port, saving nothing, stopped on every way out):
#             one user's vector fetched back equals --block user_factors
#   word2vec  gensim's KeyedVectors.load_word2vec_format reads it, and its
#             most_similar gives rs-recommend --similar's neighbours (w2v)
#             or numpy's cosine over --block item_factors (factor models)
# The python parts skip without /usr/bin/python3 (and numpy, gensim), the
# redis part without redis-server.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=${RS_BIN:-$top/build/bin}:$PATH
export PATH
py=/usr/bin/python3

dir=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
cd "$dir" || exit 1

t=0
ok() { t=$((t + 1)); if [ "$1" = 0 ]; then echo "ok $t - $2"; else echo "not ok $t - $2"; fi; }
skip() { t=$((t + 1)); echo "ok $t # skip $1"; }

# Ids a service must get back byte for byte: a space, a quote, UTF-8.
awk 'BEGIN { s = 7; for (u = 0; u < 60; u++) for (p = 0; p < 10; p++) {
    s = (s * 1103515245 + 12345) % 2147483648; c = u % 3;
    printf "%s\t%s\t%d\n", (u == 0 ? "user one" : u == 1 ? "u\"2" : "u" u),
        (c == 0 && p == 0 ? "caf\303\251" : "i" (c * 7 + int(s / 65536) % 9)), 1 + int(s / 4096) % 5 } }' > weird.tsv
printf 'i0\tThe Zero\ncaf\303\251\tCaf\303\251 "Society"\ni1\tOne\n' > titles.tsv
rs-index weird.tsv > weird.rsm
rs-svd -k 3 --center user weird.rsm > svd.rsm
rs-svd -a funk -k 3 --epochs 5 weird.rsm > funk.rsm
rs-svd -a als -k 3 --iterations 3 weird.rsm > als.rsm
rs-svd -a bpr -k 3 --iterations 3 weird.rsm > bpr.rsm
rs-w2v -j 1 -k 4 --epochs 2 --min-count 20 weird.rsm > w2v.rsm
for m in svd funk als bpr w2v; do
    rs-index --format jsonl --items titles.tsv $m.rsm > $m.jsonl || echo "# $m: export failed"
    rs-index --list $m.rsm | cut -f1 > $m.blocks
    for blk in user_factors item_factors user_bias item_bias w2v_in w2v_count; do
        grep -qx "$blk" $m.blocks && rs-index --block $blk $m.rsm > $m.$blk
    done
done

# No python needed: the shape of the output.
[ "$(head -c 40 svd.jsonl)" = '{"_id":"model","kind":"model","model":"s' ]
ok $? "jsonl starts with the model document"
[ "$(grep -c '"kind":"user"' svd.jsonl)" = 60 ] && [ "$(grep -c '"kind":"item"' svd.jsonl)" = "$(wc -l < svd.item_factors)" ]
ok $? "jsonl: one document per user and per item"
[ "$(grep -c '"kind":"user"' w2v.jsonl)" = 0 ] &&
    [ "$(grep -c '"kind":"item"' w2v.jsonl)" = "$(awk -F'\t' '$2 > 0' w2v.w2v_count | wc -l)" ] &&
    [ "$(awk -F'\t' '$2 == 0' w2v.w2v_count | wc -l)" -gt 0 ]
ok $? "jsonl of a w2v model: the vocabulary's items, no users"
rs-w2v -j 1 -k 4 --epochs 2 --min-count 20 --export word2vec weird.rsm > w2v.train.txt 2>/dev/null
rs-w2v -j 1 -k 4 --epochs 2 --min-count 20 --export word2vec weird.tsv > w2v.tsv.txt
rs-index --format word2vec w2v.rsm > w2v.txt
[ "$(wc -l < w2v.txt)" -gt 10 ] && cmp -s w2v.txt w2v.tsv.txt
ok $? "word2vec of a w2v model = rs-w2v --export word2vec, byte for byte"

if [ -x "$py" ]; then
    "$py" - > py.out 2>&1 <<'EOF'
import json, struct, sys
f32 = lambda x: struct.unpack('<f', struct.pack('<f', x))[0]
def block(path):
    d = {}
    try:
        for line in open(path, encoding='utf-8'):
            p = line.rstrip('\n').split('\t')
            d[p[0]] = [f32(float(x)) for x in p[1:]]
    except FileNotFoundError:
        return None
    return d
titles = dict(l.rstrip('\n').split('\t') for l in open('titles.tsv', encoding='utf-8'))
bad = []
for m in ['svd', 'funk', 'als', 'bpr', 'w2v']:
    blk = lambda name: block('%s.%s' % (m, name))
    want = {'user': (blk('user_factors'), blk('user_bias')),
            'item': (blk('w2v_in') if m == 'w2v' else blk('item_factors'), blk('item_bias'))}
    seen = {'user': set(), 'item': set()}
    lines = open(m + '.jsonl', encoding='utf-8').read().split('\n')
    if lines[-1] != '':
        bad.append('%s: no newline at the end' % m)
    docs = [json.loads(l) for l in lines[:-1]]
    model = docs[0]
    if model['_id'] != 'model' or model['model'] != m:
        bad.append('%s: model document %r' % (m, model))
    for d in docs[1:]:
        k, i = d['kind'], d['id']
        if d['_id'] != k + ':' + i or i in seen[k]:
            bad.append('%s: _id %r' % (m, d['_id']))
        seen[k].add(i)
        fac, bias = want[k]
        if [f32(x) for x in d['factors']] != fac[i]:
            bad.append('%s: %s %s factors differ from --block' % (m, k, i))
        if (bias is None) != ('bias' not in d) or (bias and [f32(d['bias'])] != bias[i]):
            bad.append('%s: %s %s bias' % (m, k, i))
        if d.get('title') != (titles.get(i) if k == 'item' else None):
            bad.append('%s: %s %s title %r' % (m, k, i, d.get('title')))
    if want['user'][0] is not None and seen['user'] != set(want['user'][0]):
        bad.append('%s: users missing' % m)
    if model['users'] != len(seen['user']) or model['items'] != len(seen['item']) \
            or model['dim'] != len(next(iter(want['item'][0].values()))):
        bad.append('%s: model document counts %r' % (m, model))
    if m == 'funk' and 'global_bias' not in model:
        bad.append('funk: no global_bias')
    if not {'user one', 'u"2'} <= seen['user'] and m != 'w2v':
        bad.append('%s: odd user ids lost' % m)
print('\n'.join(bad) if bad else 'same')
EOF
    [ "$(cat py.out)" = same ]
    ok $? "jsonl of svd, funk, als, bpr, w2v: every line is JSON; factors, biases, titles are --block's"
    [ "$(cat py.out)" = same ] || sed 's/^/# /' py.out | head -20
else
    skip "no $py"
fi

# ---- word2vec with gensim ----
if [ -x "$py" ] && [ -z "$RS_TEST_QUICK" ] && "$py" -c 'import gensim' 2>/dev/null; then
    # A model with spread-out neighbours: the testdata ratings, items as ids.
    rs-filter "$top/testdata/ratings.csv" > r.tsv
    rs-w2v -j 1 --sg -k 16 --epochs 3 --min-count 5 r.tsv > rw.rsm
    rs-svd -k 8 r.tsv > rsvd.rsm 2>/dev/null || rs-index r.tsv | rs-svd -k 8 > rsvd.rsm
    rs-index --format word2vec rw.rsm > rw.txt
    rs-index --format word2vec rsvd.rsm > rsvd.txt
    rs-index --block item_factors rsvd.rsm > rsvd.q
    head -2 rw.txt | tail -1 | cut -d' ' -f1 > q1
    sed -n '10p;50p;200p' rw.txt | cut -d' ' -f1 >> q1
    rs-recommend -m rw.rsm -n 5 $(sed 's/^/--similar /' q1) > rw.sim
    "$py" - > gensim.out 2>&1 <<'EOF'
import numpy as np
from gensim.models import KeyedVectors
bad = []
kv = KeyedVectors.load_word2vec_format('rw.txt', binary=False)
if len(kv) < 100:
    bad.append('w2v: only %d vectors' % len(kv))
rs = {}
for line in open('rw.sim'):
    q, rank, item, score = line.rstrip('\n').split('\t')
    rs.setdefault(q, []).append((item, float(score)))
qs = [l.strip() for l in open('q1')]
if len(qs) != 4 or sorted(rs) != sorted(qs) or any(len(v) != 5 for v in rs.values()):
    bad.append('rs-recommend --similar gave %r for %r' % (rs, qs))
for q in qs:
    g = kv.most_similar(q, topn=5)
    if [i for i, _ in g] != [i for i, _ in rs[q]] or \
            max(abs(a - b) for (_, a), (_, b) in zip(g, rs[q])) > 1e-5:
        bad.append('w2v %s: gensim %r, rs %r' % (q, g, rs[q]))
kv = KeyedVectors.load_word2vec_format('rsvd.txt', binary=False)
ids, rows = [], []
for line in open('rsvd.q'):
    p = line.rstrip('\n').split('\t')
    ids.append(p[0])
    rows.append([float(x) for x in p[1:]])
Q = np.array(rows, dtype=np.float32)
if len(kv) != len(ids) or not np.array_equal(np.stack([kv[i] for i in ids]), Q):
    bad.append('svd: gensim vectors differ from --block item_factors')
N = Q / np.linalg.norm(Q, axis=1, keepdims=True)
for j in [0, 7, 99, 500]:
    c = N @ N[j]
    c[j] = -np.inf
    want = [ids[k] for k in np.argsort(-c, kind='stable')[:5]]
    got = [i for i, _ in kv.most_similar(ids[j], topn=5)]
    if got != want:
        bad.append('svd %s: gensim %r, numpy %r' % (ids[j], got, want))
print('\n'.join(bad) if bad else 'same')
EOF
    [ "$(cat gensim.out)" = same ]
    ok $? "word2vec: gensim reads it; most_similar = rs-recommend --similar (w2v), = numpy cosine (svd)"
    [ "$(cat gensim.out)" = same ] || sed 's/^/# /' gensim.out | tail -20
else
    skip "no gensim for $py (or RS_TEST_QUICK)"
fi

# ---- Redis ----
. "$top/tests/t/redis.sh"
redis_start 13
if [ -z "$port" ]; then
    skip "redis-server not available"
elif [ ! -x "$py" ]; then
    skip "no $py"
else
    rs-index --format redis --items titles.tsv funk.rsm > funk.resp
    redis-cli -p "$port" --pipe < funk.resp > pipe.out 2>&1
    grep -q 'errors: 0' pipe.out
    ok $? "redis-cli --pipe takes the export without errors"

    # Every user's vector, fetched one at a time, as a service would.
    : > got
    cut -f1 funk.user_factors | while IFS= read -r u; do
        redis-cli -p "$port" --raw HGET "rs:user:$u" factors > blob
        printf '%s\t' "$u" >> got
        "$py" -c 'import struct, sys
b = open("blob", "rb").read()[:-1]     # redis-cli --raw adds a newline
print("\t".join(repr(x) for x in struct.unpack("<%df" % (len(b) // 4), b)))' >> got
    done
    "$py" -c 'import struct, sys
f32 = lambda x: struct.unpack("<f", struct.pack("<f", float(x)))[0]
a = [l.rstrip("\n").split("\t") for l in open("got", encoding="utf-8")]
b = [l.rstrip("\n").split("\t") for l in open("funk.user_factors", encoding="utf-8")]
sys.exit(not (len(a) == len(b) == 60 and
              all(x[0] == y[0] and [f32(v) for v in x[1:]] == [f32(v) for v in y[1:]] for x, y in zip(a, b))))'
    ok $? "HGET rs:user:ID factors is --block user_factors (float32 little-endian), for every user"

    u1=$(redis-cli -p "$port" --raw HGET 'rs:user:user one' bias)
    b1=$(grep '^user one	' funk.user_bias | cut -f2)
    "$py" -c 'import struct, sys
f32 = lambda x: struct.unpack("<f", struct.pack("<f", float(x)))[0]
sys.exit(not (sys.argv[1] and f32(sys.argv[1]) == f32(sys.argv[2]) == float(sys.argv[1])))' "$u1" "$b1"
    ok $? "HGET bias of a user with a space in the id"

    [ "$(redis-cli -p "$port" --raw HGET 'rs:item:café' title)" = 'Café "Society"' ] &&
        [ "$(redis-cli -p "$port" --raw HGET 'rs:model' model)" = funk ] &&
        [ "$(redis-cli -p "$port" --raw HGET 'rs:model' dim)" = 3 ] &&
        [ "$(redis-cli -p "$port" --raw HGET 'rs:model' global_bias)" = "$(rs-index --list funk.rsm | sed -n 's/^global_bias=//p')" ]
    ok $? "item titles and the model hash (model, dim, global_bias)"

    # A second export replaces each hash whole: no title is left behind.
    rs-index --format redis funk.rsm | redis-cli -p "$port" --pipe >/dev/null 2>&1
    [ "$(redis-cli -p "$port" HEXISTS 'rs:item:café' title)" = 0 ] &&
        [ "$(redis-cli -p "$port" HEXISTS 'rs:item:café' factors)" = 1 ]
    ok $? "a new export replaces each hash (DEL first)"

    rs-index --format redis --redis-prefix 'v2:' w2v.rsm | redis-cli -p "$port" --pipe >/dev/null 2>&1
    i=$(awk -F'\t' '$2 > 0 { print $1; exit }' w2v.w2v_count)
    [ "$(redis-cli -p "$port" --raw HGET "v2:item:$i" factors | wc -c)" = 17 ] &&
        [ "$(redis-cli -p "$port" --raw HGET v2:model model)" = w2v ] &&
        [ "$(redis-cli -p "$port" --raw KEYS 'v2:user:*' | grep -c .)" = 0 ]
    ok $? "--redis-prefix; a w2v model's item vectors (4 x 4 bytes), no users"
fi

echo "1..$t"
