"""The reference EASE (Steck 2019) in numpy, outside rs's library.

Usage:
  ease_numpy.py TRAIN.tsv L N OUT.tsv [--binary]
      TRAIN.tsv is canonical TSV (user, item[, rating...]); X is the user-item
      matrix (repeated pairs summed; all ones with --binary), and
          G = X'X + L I,  P = G^-1,  B = -P / diag(P),  diag(B) = 0,
      exactly as the paper's listing.  Writes each user's top N items (seen
      items excluded) as user<TAB>rank<TAB>item<TAB>score, users in
      first-seen order, like rs-recommend, and prints on stderr the seconds
      of the Gram matrix, of the inverse, and of scoring.
"""
import sys
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp


def main(argv):
    path, reg, n, out = argv[0], float(argv[1]), int(argv[2]), argv[3]
    binary = "--binary" in argv[4:]
    df = pd.read_csv(path, sep="\t", header=None, dtype={0: str, 1: str}, comment="#",
                     quoting=3, keep_default_na=False)
    users, u = np.unique(df[0].to_numpy(), return_inverse=True)
    items, i = np.unique(df[1].to_numpy(), return_inverse=True)
    first_u = pd.unique(df[0].to_numpy())
    vals = np.ones(len(df)) if binary or df.shape[1] < 3 else df[2].to_numpy(np.float64)
    x = sp.csr_matrix((vals, (u, i)), shape=(len(users), len(items)))
    x.sum_duplicates()
    if binary:
        x.data[:] = 1.0
    t0 = time.perf_counter()
    g = (x.T @ x).toarray()
    g[np.diag_indices_from(g)] += reg
    t1 = time.perf_counter()
    p = np.linalg.inv(g)
    b = p / (-np.diag(p))
    b[np.diag_indices_from(b)] = 0.0
    t2 = time.perf_counter()
    index = {name: k for k, name in enumerate(users)}
    with open(out, "w") as f:
        for start in range(0, len(first_u), 1024):
            block = [index[name] for name in first_u[start:start + 1024]]
            s = np.asarray(x[block] @ b)
            seen = x[block]
            s[seen.nonzero()] = -np.inf
            top = np.argsort(-s, axis=1, kind="stable")[:, :n]
            for row, ui in enumerate(block):
                for rank, j in enumerate(top[row], 1):
                    if np.isfinite(s[row, j]):
                        f.write("%s\t%d\t%s\t%.9g\n" % (users[ui], rank, items[j], s[row, j]))
    t3 = time.perf_counter()
    print("gram\t%.3f\ninverse\t%.3f\nscore\t%.3f" % (t1 - t0, t2 - t1, t3 - t2), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
