"""gensim's Word2Vec on the same sequences rs-w2v trains on, as the peer of
bench/w2v.sh and of the item2vec reference experiment.

Usage: w2v_gensim.py TRAIN.tsv [--recs OUT.tsv] [-n N] [--users FILE]
                     [--sg] [--vector-size D] [--window W] [--negative K]
                     [--ns-exponent X] [--min-count C] [--epochs E]
                     [--sample S] [--alpha A] [--min-alpha A] [--seed S]
                     [--workers J]

TRAIN.tsv is canonical TSV (user<TAB>item[...]); each user's items, in file
order, are one sentence, users in first-seen order; items are passed as
strings.  Prints "train_seconds<TAB>S", "items<TAB>N" (raw items seen over
all epochs) and "items_per_s<TAB>R" on stdout.  With --recs, writes
user<TAB>rank<TAB>item<TAB>score as the reference notebook recommends:
predict_output_word(train_items, topn=N + len(train_items)) minus the
user's items, first N; users with no known item get nothing.  --users FILE
(one user id a line) restricts the recommendations to those users.
"""
import argparse
import sys
import time

from gensim.models import Word2Vec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("--recs")
    ap.add_argument("-n", type=int, default=10)
    ap.add_argument("--users")
    ap.add_argument("--sg", action="store_true")
    ap.add_argument("--vector-size", type=int, default=100)
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--negative", type=int, default=5)
    ap.add_argument("--ns-exponent", type=float, default=0.75)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--sample", type=float, default=1e-3)
    ap.add_argument("--alpha", type=float, default=0.025)
    ap.add_argument("--min-alpha", type=float, default=0.0001)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=3)
    a = ap.parse_args()

    seqs = {}
    with open(a.train) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            p = line.rstrip("\n").split("\t")
            seqs.setdefault(p[0], []).append(p[1])
    sentences = list(seqs.values())
    raw = sum(len(s) for s in sentences)

    t0 = time.perf_counter()
    model = Word2Vec(sentences=sentences, sg=1 if a.sg else 0, vector_size=a.vector_size,
                     window=a.window, negative=a.negative, ns_exponent=a.ns_exponent,
                     min_count=a.min_count, epochs=a.epochs, sample=a.sample, alpha=a.alpha,
                     min_alpha=a.min_alpha, seed=a.seed, workers=a.workers)
    t = time.perf_counter() - t0
    print(f"train_seconds\t{t:.3f}")
    print(f"items\t{raw * a.epochs}")
    print(f"items_per_s\t{raw * a.epochs / t:.0f}")
    sys.stdout.flush()

    if a.recs:
        users = list(seqs.keys())
        if a.users:
            with open(a.users) as f:
                want = [u.strip() for u in f if u.strip()]
            users = [u for u in want if u in seqs]
        with open(a.recs, "w") as out:
            for u in users:
                items = seqs[u]
                got = model.predict_output_word(items, topn=a.n + len(items))
                if not got:
                    continue
                seen = set(items)
                rank = 0
                for item, score in got:
                    if item in seen:
                        continue
                    rank += 1
                    out.write(f"{u}\t{rank}\t{item}\t{score:.6g}\n")
                    if rank == a.n:
                        break


if __name__ == "__main__":
    main()
