# --model: diversity is 1 - the cosine of the items' factors (here those of
# an rs-svd model of the bundled data), each user's checked against numpy.
rs-filter --min-rating 4 "$TESTDATA/ratings.csv" | rs-split --last 3 -t test.tsv > train.tsv
rs-index train.tsv | rs-svd -k 4 > model.rsm
rs-recommend -n 5 < model.rsm > recs.tsv
rs-index --block item_factors model.rsm > q.tsv
rs-eval -t test.tsv -k 5 --model model.rsm --json recs.tsv 2>/dev/null \
    | /usr/bin/python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["diversity_from"], "attributes" in d)'
rs-eval -t test.tsv -k 5 --model model.rsm --per-user recs.tsv > per-user.tsv
/usr/bin/python3 - <<'PY'
import numpy as np
Q = {}
for line in open("q.tsv"):
    f = line.rstrip("\n").split("\t")
    Q[f[0]] = np.array([float(x) for x in f[1:]])
lists = {}
for line in open("recs.tsv"):
    u, r, i, s = line.rstrip("\n").split("\t")[:4]
    lists.setdefault(u, []).append((int(r), i))
rows = [l.rstrip("\n").split("\t") for l in open("per-user.tsv")]
col = rows[0].index("diversity")
worst, n = 0.0, 0
for r in rows[1:]:
    if r[col] == "nan": continue
    items = [i for _, i in sorted(lists[r[0]])][:5]
    d = [1 - Q[a] @ Q[b] / np.linalg.norm(Q[a]) / np.linalg.norm(Q[b])
         for x, a in enumerate(items) for b in items[x + 1:]]
    worst = max(worst, abs(np.mean(d) - float(r[col])))
    n += 1
print(n > 10, worst < 2e-6)
PY
