"""The peer of rs-svd: scipy.sparse.linalg.svds, as the reference notebooks
call it, timed around the svds call alone (reading and building the matrix
are not counted).

usage: svd_scipy.py RATINGS K[,K...] [--center user] [--sigma FILE]

RATINGS: a CSV with a header (userId,movieId,rating,...) or a headerless
tab-separated file (user item rating [time]), optionally .zst.  With
--center user the matrix is the dense pivot table minus each user's mean
over all items (R - R.mean(axis=1)), exactly as the notebooks and the
service tutorial do; otherwise the sparse matrix itself.  Prints
"k=K seconds=S cpu=C" per K (or "k=K skipped: ..." when svds cannot take K), and
with --sigma writes the singular values of the last K, largest first."""
import io
import subprocess
import sys
import time

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds


def read(path):
    if path.endswith(".zst"):
        data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
        f = io.BytesIO(data)
    else:
        f = open(path, "rb")
    first = f.readline()
    f.seek(0)
    import pandas as pd
    if b"," in first:
        df = pd.read_csv(f, usecols=[0, 1, 2])
    else:
        df = pd.read_csv(f, sep="\t", header=None, usecols=[0, 1, 2])
    df.columns = ["user", "item", "rating"]
    u, _ = pd.factorize(df["user"])
    i, _ = pd.factorize(df["item"])
    return sp.csr_matrix((df["rating"].to_numpy(dtype=np.float64), (u, i)))


def matrix(a, center):
    """The matrix svds sees: a itself, or the notebooks' demeaned pivot table."""
    if center == "user":
        r = a.toarray()
        return r - r.mean(axis=1).reshape(-1, 1)
    if center not in (None, "none"):
        sys.exit("svd_scipy.py: only --center user is implemented")
    return a


def main():
    args = sys.argv[1:]
    center = sigma_out = None
    if "--center" in args:
        j = args.index("--center")
        center = args[j + 1]
        del args[j:j + 2]
    if "--sigma" in args:
        j = args.index("--sigma")
        sigma_out = args[j + 1]
        del args[j:j + 2]
    path, ks = args[0], [int(k) for k in args[1].split(",")]
    a = matrix(read(path), center)
    s = None
    for k in ks:
        if k >= min(a.shape):
            print("k=%d skipped: svds needs k < min(users, items) = %d" % (k, min(a.shape)))
            continue
        t0, c0 = time.perf_counter(), time.process_time()
        _, s, _ = svds(a, k=k)
        print("k=%d seconds=%.4f cpu=%.4f" % (k, time.perf_counter() - t0, time.process_time() - c0),
              flush=True)
    if sigma_out and s is not None:
        np.savetxt(sigma_out, np.sort(s)[::-1], fmt="%.9g")


if __name__ == "__main__":
    main()
