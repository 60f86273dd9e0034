"""The reference RP3beta (Paudel et al. 2017) in numpy/scipy, outside rs's library,
computed as Dacrema et al.'s RP3betaRecommender computes it.

Usage:
  rp3_numpy.py TRAIN.tsv ALPHA BETA K N OUT.tsv [--binary]
      TRAIN.tsv is canonical TSV (user, item[, rating...]); X is the user-item
      matrix (repeated pairs summed; all ones with --binary), and
          Pui = (X with rows scaled to sum 1) ^ ALPHA
          Piu = (binary X' with rows scaled to sum 1) ^ ALPHA
          W   = Piu Pui, column j times d(j)^-BETA (d = the item's users),
                diagonal 0, each row kept to its K largest positive values
                (as float32; ties to the smaller index)
      scores = X W.  Writes each user's top N items (seen items and items
      with no score excluded) as user<TAB>rank<TAB>item<TAB>score, users and
      items numbered in first-seen order, like rs-index and rs-recommend, and prints on stderr the seconds
      of the weights and of scoring.
"""
import sys
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp

BLOCK = 256


def top_k(row, k):
    """Indices of the k largest positive values of row (float32), ties to
    the smaller index, best first."""
    pos = np.flatnonzero(row > 0)
    if len(pos) > k:
        vals = row[pos]
        t = np.partition(vals, len(vals) - k)[len(vals) - k]
        above = pos[vals > t]
        tied = pos[vals == t][:k - len(above)]
        pos = np.concatenate([above, tied])
    order = np.lexsort((pos, -row[pos]))
    return pos[order]


def weights(x, alpha, beta, k):
    n = x.shape[1]
    xb = x.copy()
    xb.data[:] = 1.0
    deg = np.asarray(xb.sum(axis=0)).ravel()
    rowsum = np.asarray(x.sum(axis=1)).ravel()
    pui = sp.diags(np.divide(1.0, rowsum, out=np.zeros_like(rowsum), where=rowsum > 0)) @ x
    pui = pui.tocsr()
    pui.data = np.power(pui.data, alpha)
    left = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0) ** alpha
    pen = np.zeros_like(deg)
    pen[deg > 0] = np.power(deg[deg > 0], -beta)
    xt = xb.T.tocsr()
    rows, cols, vals = [], [], []
    for start in range(0, n, BLOCK):
        stop = min(n, start + BLOCK)
        block = (xt[start:stop] @ pui).toarray()
        block = (block * left[start:stop, None]) * pen[None, :]
        block[np.arange(stop - start), np.arange(start, stop)] = 0
        block = block.astype(np.float32)
        for r in range(stop - start):
            best = top_k(block[r], k)
            rows.append(np.full(len(best), start + r))
            cols.append(best)
            vals.append(block[r, best])
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(n, n), dtype=np.float32)


def main(argv):
    path, alpha, beta, k, n, out = argv[0], float(argv[1]), float(argv[2]), int(argv[3]), \
        int(argv[4]), argv[5]
    binary = "--binary" in argv[6:]
    df = pd.read_csv(path, sep="\t", header=None, dtype={0: str, 1: str}, comment="#",
                     quoting=3, keep_default_na=False)
    # Ids numbered in first-seen order, as rs-index numbers them, so that
    # "ties to the smaller index" means the same item on both sides.
    u, users = pd.factorize(df[0].to_numpy())
    i, items = pd.factorize(df[1].to_numpy())
    first_u = users
    vals = np.ones(len(df)) if binary or df.shape[1] < 3 else df[2].to_numpy(np.float64)
    x = sp.csr_matrix((vals, (u, i)), shape=(len(users), len(items)))
    x.sum_duplicates()
    if binary:
        x.data[:] = 1.0
    t0 = time.perf_counter()
    w = weights(x, alpha, beta, min(k, len(items) - 1))
    t1 = time.perf_counter()
    index = {name: q for q, name in enumerate(users)}
    with open(out, "w") as f:
        for start in range(0, len(first_u), 1024):
            block = [index[name] for name in first_u[start:start + 1024]]
            xs = x[block]
            s = (xs @ w).toarray()
            s[s <= 0] = -np.inf
            s[xs.nonzero()] = -np.inf
            top = np.argsort(-s, axis=1, kind="stable")[:, :n]
            for row, ui in enumerate(block):
                for rank, j in enumerate(top[row], 1):
                    if np.isfinite(s[row, j]):
                        f.write("%s\t%d\t%s\t%.9g\n" % (users[ui], rank, items[j], s[row, j]))
    t2 = time.perf_counter()
    print("weights\t%.3f\nscore\t%.3f" % (t1 - t0, t2 - t1), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
