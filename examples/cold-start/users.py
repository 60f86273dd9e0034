#!/usr/bin/env python3
"""A second look at run.sh's intervals, with the users as the unit.

rs-eval --folds resamples each fold's users apart (stratified by fold).  In
run.sh the folds are seeds over the same users: every cold split holds
nearly every user, and the warm test set is the same in all of them.  A
user who likes the hybrid's lists in one seed likely does in the others, so
the five are not five independent samples, and that interval is too
narrow.  Here the statistic is the same (the mean over the seeds of each
seed's mean per-user difference), but a resample draws users with
replacement once and takes each drawn user's rows in every seed.  It also
prints each seed's own mean difference: how the splits agree.

Usage: users.py KEEP_DIR DATASET MODEL REF TEST_STEM [B]
   e.g. users.py /tmp/cs ml-100k cknn hybrid cold
reads KEEP_DIR/DATASET/{MODEL,REF}.F.recs and TEST_STEM.F.tsv for
F = 1, 2, ... (as run.sh leaves them with KEEP=DIR) through rs-eval
--per-user; prints, for ndcg and hitrate @10, MODEL - REF per seed, the
mean, and the 95% interval of B (default 1000) user-clustered resamples.
"""
import os
import subprocess
import sys

import numpy as np


def per_user(test, recs):
    out = subprocess.run(["rs-eval", "-t", test, "--per-user", "-k", "10", recs],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    head = out[0].split("\t")
    rows = {}
    for line in out[1:]:
        f = dict(zip(head, line.split("\t")))
        rows[f["user"]] = (float(f["ndcg"]), float(f["hitrate"]))
    return rows


def main():
    keep, ds, model, ref, stem = sys.argv[1:6]
    B = int(sys.argv[6]) if len(sys.argv) > 6 else 1000
    d = os.path.join(keep, ds)
    folds = []
    f = 1
    while os.path.exists(os.path.join(d, f"{stem}.{f}.tsv")):
        test = os.path.join(d, f"{stem}.{f}.tsv")
        a = per_user(test, os.path.join(d, f"{model}.{f}.recs"))
        b = per_user(test, os.path.join(d, f"{ref}.{f}.recs"))
        folds.append({u: np.subtract(a[u], b[u]) for u in a if u in b})
        f += 1
    users = sorted(set().union(*folds))
    idx = {u: n for n, u in enumerate(users)}
    rng = np.random.default_rng(1)
    for m, name in enumerate(["ndcg", "hitrate"]):
        # per fold: the users' differences as an array over all users (nan: absent)
        D = np.full((len(folds), len(users)), np.nan)
        for n, fd in enumerate(folds):
            for u, v in fd.items():
                D[n, idx[u]] = v[m]
        per = np.nanmean(D, axis=1)
        stat = per.mean()
        res = np.empty(B)
        for r in range(B):
            pick = rng.integers(0, len(users), len(users))
            res[r] = np.nanmean(D[:, pick], axis=1).mean()
        lo, hi = np.percentile(res, [2.5, 97.5])
        mark = " *" if lo > 0 or hi < 0 else ""
        print(f"{ds}\t{stem}\t{name}@10\t{model} - {ref}\tseeds "
              + " ".join(f"{x:+.4f}" for x in per)
              + f"\tmean {stat:+.4f} [{lo:+.4f}, {hi:+.4f}]{mark}")


if __name__ == "__main__":
    main()
