"""The peer of rs-knn: sklearn's brute-force cosine NearestNeighbors.

Usage:
  knn_sklearn.py run RATINGS.csv [users|items K QUERIES.txt OUT.tsv]...
      Build the user-item matrix from RATINGS.csv (userId,movieId,rating,...;
      repeated pairs summed, as scipy does), then for each quadruple fit
      NearestNeighbors(metric='cosine', algorithm='brute', n_jobs=-1) on its
      rows (users) or columns (items), and find the K nearest neighbours of
      the ids listed in QUERIES.txt (one a line).  sklearn returns the query
      itself as its own nearest neighbour, so K+1 are asked for and the
      query is dropped.  Writes id<TAB>rank<TAB>neighbor<TAB>similarity
      (1 - cosine distance) like rs-knn --neighbors, and prints
      MODE<TAB>phase<TAB>value lines: the load, and per mode the wall and
      CPU (all threads) seconds of fit + kneighbors, and the counts.
  knn_sklearn.py compare PEER.tsv RS.tsv K
      Compare the lists for the ids in PEER.tsv: the same similarities rank
      by rank (within 1e-5), and the same neighbours apart from those tied
      with the K-th.  Prints the counts; exits 1 if any list differs.
"""
import sys
import time


def run(path, jobs):
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp
    from sklearn.neighbors import NearestNeighbors

    t0 = time.perf_counter()
    df = pd.read_csv(path)
    u_codes, u_ids = pd.factorize(df.iloc[:, 0], sort=False)
    i_codes, i_ids = pd.factorize(df.iloc[:, 1], sort=False)
    m = sp.csr_matrix((df.iloc[:, 2].to_numpy(np.float64), (u_codes, i_codes)),
                      shape=(len(u_ids), len(i_ids)))
    m.sum_duplicates()
    del df
    print("all\tload\t%.3f" % (time.perf_counter() - t0), flush=True)
    for mode, k, queries, out in jobs:
        x, names = (m, u_ids) if mode == "users" else (m.T.tocsr(), i_ids)
        pos = {str(v): n for n, v in enumerate(names)}
        q = [pos[line.strip()] for line in open(queries) if line.strip()]
        t1, c1 = time.perf_counter(), time.process_time()
        nn = NearestNeighbors(n_neighbors=k + 1, metric="cosine", algorithm="brute", n_jobs=-1)
        nn.fit(x)
        dist, ind = nn.kneighbors(x[q])
        t2, c2 = time.perf_counter(), time.process_time()
        with open(out, "w") as f:
            for r, qi in enumerate(q):
                row = [(j, d) for j, d in zip(ind[r], dist[r]) if j != qi][:k]
                for rank, (j, d) in enumerate(row, 1):
                    f.write("%s\t%d\t%s\t%.6g\n" % (names[qi], rank, names[j], 1 - d))
        print("%s\twall\t%.3f" % (mode, t2 - t1))
        print("%s\tcpu\t%.3f" % (mode, c2 - c1))
        print("%s\tqueries\t%d" % (mode, len(q)))
        print("%s\trows\t%d" % (mode, x.shape[0]), flush=True)


def read_lists(path, keep=None):
    lists = {}
    with open(path) as f:
        for line in f:
            q, _, n, s = line.rstrip("\n").split("\t")
            if keep is None or q in keep:
                lists.setdefault(q, []).append((n, float(s)))
    return lists


def compare(peer, mine, k):
    a = read_lists(peer)
    b = read_lists(mine, set(a))
    bad = 0
    worst = 0.0
    for q, row in a.items():
        # sklearn fills up with dissimilar rows (similarity 0); rs-knn keeps
        # only positive similarities.
        row = [(n, s) for n, s in row if s > 1e-6]
        other = b.get(q, [])
        if len(other) != len(row):
            bad += 1
            continue
        d = max((abs(x[1] - y[1]) for x, y in zip(row, other)), default=0.0)
        worst = max(worst, d)
        if d > 1e-5:
            bad += 1
            continue
        kth = row[-1][1] if row else 0
        if {n for n, s in row if s > kth + 1e-5} != {n for n, s in other if s > kth + 1e-5}:
            bad += 1
    print("compared\t%d" % len(a))
    print("differ\t%d" % bad)
    print("max_sim_diff\t%.3g" % worst)
    return 1 if bad else 0


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) >= 6 and a[0] == "run" and (len(a) - 2) % 4 == 0:
        run(a[1], [(a[i], int(a[i + 1]), a[i + 2], a[i + 3]) for i in range(2, len(a), 4)])
    elif len(a) == 4 and a[0] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3], int(sys.argv[4])))
    else:
        sys.exit(__doc__)
