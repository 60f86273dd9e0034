"""Straightforward references for rs-knn, used by knn-sklearn.t and
knn-implicit.t.  Each command compares rs output with its own answer and
exits 0 if they agree (ties aside), else prints what differs and exits 1.

  knn_ref.py nbrs DATA.tsv users|items K RS.tsv
      rs-knn --neighbors against sklearn's NearestNeighbors(metric='cosine',
      algorithm='brute'), which lists the query itself first: K+1 asked,
      the query dropped, and only positive similarities kept (rs-knn never
      lists a neighbour that shares nothing).
  knn_ref.py user-recs DATA.tsv K N RS.tsv
      rs-knn --users -k K | rs-recommend -n N against the lesson's recipe:
      sklearn's K nearest users, score(i) = sum of their similarities for
      those who have i, the user's own items left out.
  knn_ref.py item-recs DATA.tsv none|tfidf|bm25 K N RS_NBRS.tsv RS_RECS.tsv
      rs-knn --items [--weight W] -k K against implicit's item-item models
      written out in numpy: the weighting (CosineRecommender,
      TFIDFRecommender, BM25Recommender with K1 = 1.2, B = 0.75), each
      item's nearest by the product of the weighted columns, and
      score = user_items . similarity.  implicit keeps K neighbours
      including the item itself; rs-knn keeps K others, so the reference
      keeps K+1 with the item itself for cosine and tfidf (where an item is
      always its own nearest), and K others for bm25 (where it need not be).

  knn_ref.py tap
      Many of the above in one process (imports are the slow part): each
      line of stdin is WANT<TAB>DESCRIPTION<TAB>COMMAND ARGS... (tab
      separated), WANT 0 (agree) or 1 (must differ); prints TAP lines.

DATA.tsv is canonical TSV (user, item, rating); repeated pairs are summed.
"""
import sys

import numpy as np
import scipy.sparse as sp

TOL = 1e-5      # scores, rank by rank (rs prints 6 significant digits)
TIE = 3e-5


def load(path):
    users, items, u, i, r = {}, {}, [], [], []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            p = line.rstrip("\n").split("\t")
            u.append(users.setdefault(p[0], len(users)))
            i.append(items.setdefault(p[1], len(items)))
            r.append(float(p[2]) if len(p) > 2 else 1.0)
    m = sp.csr_matrix((r, (u, i)), shape=(len(users), len(items)), dtype=np.float64)
    m.sum_duplicates()
    return m, list(users), list(items)


def read_lists(path):
    out = {}
    with open(path) as f:
        for line in f:
            q, _, n, s = line.rstrip("\n").split("\t")
            out.setdefault(q, []).append((n, float(s)))
    return out


def same(ref, got, what):
    """ref, got: id -> [(id, score)] best first. Ties aside: scores agree
    rank by rank, and ids agree except those tied with the last score."""
    bad = 0
    for q in sorted(set(ref) | set(got)):
        a, b = ref.get(q, []), got.get(q, [])
        why = None
        if len(a) != len(b):
            why = "%d entries, want %d" % (len(b), len(a))
        else:
            for (_, x), (_, y) in zip(a, b):
                if abs(x - y) > TOL * max(1.0, abs(x)):
                    why = "score %g, want %g" % (y, x)
                    break
            if not why and a:
                # rs prints 6 digits: a score within TIE of the last is a tie
                last = a[-1][1]
                tie = TIE * max(1.0, abs(last))
                ids_b = {n for n, _ in b}
                if any(s > last + tie and n not in ids_b for n, s in a):
                    why = "a clear winner is missing"
                ids_a = {n for n, _ in a}
                if any(n not in ids_a and s > last + tie for n, s in b):
                    why = "an extra id beats the last"
        if why:
            bad += 1
            if bad <= 5:
                print("# %s %s: %s\n#   want %s\n#   got  %s" % (what, q, why, a[:5], b[:5]))
    print("# %s: %d lists compared, %d differ" % (what, len(set(ref) | set(got)), bad))
    return bad


def sk_neighbours(x, k):
    from sklearn.neighbors import NearestNeighbors
    nn = NearestNeighbors(n_neighbors=min(k + 1, x.shape[0]), metric="cosine", algorithm="brute")
    dist, ind = nn.fit(x).kneighbors(x)
    out = []
    for q in range(x.shape[0]):
        row = [(j, 1 - d) for j, d in zip(ind[q], dist[q]) if j != q][:k]
        out.append([(j, s) for j, s in row if s > 1e-6])
    return out


def top_lists(scores, candidates, exclude, n, names):
    """Best n (column, score) of each row among candidates minus exclude,
    ties to the smaller column, keyed by the row's name."""
    out = {}
    for q in range(scores.shape[0]):
        ok = candidates[q] & ~exclude[q]
        idx = np.flatnonzero(ok)
        if not len(idx):
            continue
        order = idx[np.lexsort((idx, -scores[q, idx]))][:n]
        out[names[q]] = [(int(j), float(scores[q, j])) for j in order]
    return out


def rename(lists, names):
    return {q: [(names[int(j)], s) for j, s in v] for q, v in lists.items()}


def cmd_nbrs(data, mode, k, rs):
    m, users, items = load(data)
    x, names = (m, users) if mode == "users" else (m.T.tocsr(), items)
    ref = {names[q]: [(names[j], s) for j, s in row] for q, row in enumerate(sk_neighbours(x, k)) if row}
    return same(ref, read_lists(rs), "neighbours of " + mode)


def cmd_user_recs(data, k, n, rs):
    m, users, items = load(data)
    nb = sk_neighbours(m, k)
    w = np.zeros((m.shape[0], m.shape[0]))
    for q, row in enumerate(nb):
        for j, s in row:
            w[q, j] = s
    have = np.zeros(m.shape)      # a stored entry is "has", whatever its value
    have[m.nonzero()] = 1
    scores = w @ have
    cand = (w > 0).astype(np.float64) @ have > 0
    ref = rename(top_lists(scores, cand, have > 0, n, users), items)
    return same(ref, read_lists(rs), "user-knn recommendations")


def weighted_items(m, weight, k1=1.2, b=0.75):
    x = m.T.tocsr().astype(np.float64)     # items x users
    if weight in ("tfidf", "bm25"):
        n = x.shape[0]
        df = np.bincount(x.indices, minlength=x.shape[1])
        idf = np.log(n) - np.log1p(df)
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        if weight == "tfidf":
            x.data = np.sqrt(x.data) * idf[x.indices]
        else:
            sums = np.asarray(x.sum(axis=1)).ravel()
            norm = (1 - b) + b * sums / sums.mean()
            x.data = x.data * (k1 + 1) / (k1 * norm[rows] + x.data) * idf[x.indices]
    if weight in ("none", "tfidf"):
        ss = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        x.data = x.data / ss[rows]
    return x


def cmd_item_recs(data, weight, k, n, rs_nbrs, rs_recs):
    m, users, items = load(data)
    x = weighted_items(m, weight)
    sim = (x @ x.T).toarray()
    pattern = sp.csr_matrix(x, copy=True)
    pattern.data[:] = 1
    touched = (pattern @ pattern.T).toarray() > 0
    nitems = sim.shape[0]
    keep = np.zeros_like(sim)
    nbrs = {}
    for q in range(nitems):
        cand = np.flatnonzero(touched[q])
        if weight == "bm25":
            cand = cand[(cand != q) & (sim[q, cand] > 0)]
            order = cand[np.lexsort((cand, -sim[q, cand]))][:k]
        else:
            order = cand[np.lexsort((cand, -sim[q, cand]))][:k + 1]   # implicit: itself included
        keep[q, order] = sim[q, order]
        listed = [j for j in order if j != q and sim[q, j] > 0][:k]
        if listed:
            nbrs[items[q]] = [(items[j], float(sim[q, j])) for j in listed]
    bad = same(nbrs, read_lists(rs_nbrs), "%s item neighbours" % weight)
    have = np.zeros(m.shape)
    have[m.nonzero()] = 1
    scores = m.toarray() @ keep                 # implicit: user_items . similarity
    cand = have @ (keep != 0) > 0
    ref = rename(top_lists(scores, cand, have > 0, n, users), items)
    return bad + same(ref, read_lists(rs_recs), "%s item-knn recommendations" % weight)


def run(a):
    if len(a) == 5 and a[0] == "nbrs":
        return cmd_nbrs(a[1], a[2], int(a[3]), a[4])
    if len(a) == 5 and a[0] == "user-recs":
        return cmd_user_recs(a[1], int(a[2]), int(a[3]), a[4])
    if len(a) == 7 and a[0] == "item-recs":
        return cmd_item_recs(a[1], a[2], int(a[3]), int(a[4]), a[5], a[6])
    sys.exit(__doc__)


def tap():
    n = failed = 0
    for line in sys.stdin:
        want, desc, *cmd = line.rstrip("\n").split("\t")
        n += 1
        if want == "1":
            sys.stdout = open("/dev/null", "w")
        try:
            got = 1 if run(cmd) else 0
        finally:
            sys.stdout = sys.__stdout__
        good = got == int(want)
        failed += not good
        print("%s %d - %s" % ("ok" if good else "not ok", n, desc), flush=True)
    return failed


if __name__ == "__main__":
    if sys.argv[1:] == ["tap"]:
        sys.exit(1 if tap() else 0)
    sys.exit(1 if run(sys.argv[1:]) else 0)
