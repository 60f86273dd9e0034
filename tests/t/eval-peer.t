#!/bin/sh
# rs-eval against an independent Python implementation of the definitions
# in man/rs-eval.1, on ml-100k: the last 5 ratings of each user held out,
# seeded random top-20 lists written in shuffled line order with gaps in
# the ranks, and random rating predictions (some missing, ties at 5).
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${RS_BIN:-$top/build/bin}
data=$top/../shared/data/ml-100k/u.data.zst
if [ ! -f "$data" ]; then echo "1..0 # SKIP no ml-100k at ../shared/data"; exit 0; fi
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
if [ -z "$py" ]; then echo "1..0 # SKIP no python3"; exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
zstd -dcq "$data" > u.data || { echo "1..0 # SKIP cannot decompress $data"; exit 0; }
echo "1..3"

"$py" - <<'EOF' > expected.txt
import math, random, collections
rows = [l.split('\t') for l in open('u.data')]
by_user = collections.defaultdict(list)
for u, i, r, t in rows:
    by_user[u].append((int(t), i, float(r)))
rng = random.Random(7)
items = sorted({i for _, i, _, _ in rows})
train, test = [], collections.OrderedDict()
for u in sorted(by_user, key=int):
    h = sorted(by_user[u])
    train += [(u, i) for _, i, _ in h[:-5]]
    test[u] = [(i, r) for _, i, r in h[-5:]]
with open('train.tsv', 'w') as f:
    f.writelines('%s\t%s\n' % p for p in train)
with open('test.tsv', 'w') as f:
    for u, l in test.items():
        f.writelines('%s\t%s\t%g\n' % (u, i, r) for i, r in l)
# Lists: 20 random items (a tenth drawn from the user's test items, so
# relevant items repeat) for all but every 10th test user, plus a user
# outside the test set; ranks 3p+1 (gaps); shuffled lines.
recs, lines = {}, []
for u in test:
    if int(u) % 10 == 0:
        continue
    recs[u] = [rng.choice(test[u])[0] if rng.random() < 0.1 else rng.choice(items[:300])
               for _ in range(20)]
recs['nobody'] = items[:20]
for u, l in recs.items():
    lines += ['%s\t%d\t%s\t%g\n' % (u, 3 * p + 1, i, 20 - p) for p, i in enumerate(l)]
rng.shuffle(lines)
open('recs.tsv', 'w').writelines(lines)
pop = collections.Counter(i for _, i in set(train))
nusers = len({u for u, _ in train})
catalogue = {i for _, i in train} | {i for l in recs.values() for i in l}
for relevant_at in (None, 4.0):
    for K in (1, 5, 10, 20):
        s, nov, cov, n = collections.Counter(), [], set(), 0
        for u, l in test.items():
            rel = {i for i, r in l if relevant_at is None or r >= relevant_at}
            if not rel:
                continue
            n += 1
            L = recs.get(u, [])
            seen, hits = set(), []
            for i in L[:K]:
                hits.append(1 if i in rel and i not in seen else 0)
                seen.add(i)
            h = sum(hits)
            s['hit'] += h > 0; s['prec'] += h / K; s['rec'] += h / len(rel)
            ap, c = 0, 0
            for p, x in enumerate(hits):
                if x:
                    c += 1; ap += c / (p + 1)
            s['map'] += ap / K      # --ap-denominator k
            s['ndcg'] += (sum(x / math.log2(p + 2) for p, x in enumerate(hits))
                          / sum(1 / math.log2(p + 2) for p in range(min(K, len(rel)))))
            s['mrr'] += next((1 / (p + 1) for p, x in enumerate(hits) if x), 0)
            cov.update(L[:K])
            if L:
                nov.append(sum(math.log2(nusers / max(pop[i], 1)) for i in L[:K]) / len(L[:K]))
        print(K, n, *('%.6f' % (s[k] / n) for k in ('hit', 'prec', 'rec', 'map', 'ndcg', 'mrr')),
              '%.6f' % (len(cov) / len(catalogue)), '%.6f' % (sum(nov) / len(nov)), sep='\t')
# Predictions: missing for every 7th pair, 5.0 for every 5th (ties).
pred, se, ae, nd, k = [], [], [], [], 0
for u, l in test.items():
    ranked = []
    for j, (i, r) in enumerate(l):
        k += 1
        if k % 7 == 0:
            continue
        p = 5.0 if k % 5 == 0 else round(rng.uniform(1, 5), 3)
        pred.append('%s\t%s\t%g\n' % (u, i, p))
        se.append((p - r) ** 2); ae.append(abs(p - r))
        ranked.append((-p, j, r))
    ranked.sort()
    dcg = lambda g: sum(x / max(1, math.log2(q + 1)) for q, x in enumerate(g))
    nd.append(dcg([r for _, _, r in ranked]) / dcg(sorted((r for _, r in l), reverse=True)))
rng.shuffle(pred)
open('pred.tsv', 'w').writelines(pred)
print(len(nd), len(se), '%.6f' % math.sqrt(sum(se) / len(se)), '%.6f' % (sum(ae) / len(ae)),
      '%.6f' % (sum(nd) / len(nd)), sep='\t')
EOF

: > got.txt
for rel in "" "--relevant 4"; do
    "$bin/rs-eval" -t test.tsv -k 1,5,10,20 --ap-denominator k --train train.tsv $rel recs.tsv \
        2>/dev/null | tail -n +2 | cut -f 1-10 >> got.txt
done
"$bin/rs-eval" --predictions pred.tsv -t test.tsv 2>/dev/null | tail -n +2 | cut -f 1-5 >> got.txt
head -8 expected.txt > a; head -8 got.txt > b
if cmp -s a b; then echo "ok 1 - top-N metrics match Python on ml-100k"
else echo "not ok 1 - top-N metrics match Python on ml-100k"; diff a b | sed 's/^/# /'; fi
tail -n +9 expected.txt > a; tail -n +9 got.txt > b
if cmp -s a b; then echo "ok 2 - rmse, mae and LensKit-style ndcg match Python on ml-100k"
else echo "not ok 2 - rmse, mae and LensKit-style ndcg match Python on ml-100k"; diff a b | sed 's/^/# /'; fi
users=$(cut -f 2 got.txt | head -1)
if [ "$users" = 943 ]; then echo "ok 3 - all 943 test users evaluated, with or without lists"
else echo "not ok 3 - all 943 test users evaluated (got '$users')"; fi
