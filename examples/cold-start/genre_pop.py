#!/usr/bin/env python3
"""Popularity within genre, the cold-start baseline of run.sh.

A cold item has no ratings, so its own popularity says nothing; its
genres do.  For user u and candidate item i:

    score(u, i) = [i has u's most-watched genre] + pop(i) / (1 + max pop)
    pop(i)      = sum over i's genres g of the training ratings of items in g

so the candidates of her favourite genre come first, each group ordered by
how popular its genres are.  (Her most-watched genre: the genre of most of
her training items, ties to the genre seen first in the features file.)

Usage: genre_pop.py TRAIN.tsv MOVIES CANDIDATES [N] > recs.tsv
MOVIES is ml-100k's u.item or a movies.csv (its genres only).
Output: user<TAB>rank<TAB>item<TAB>score, as rs-recommend writes.
"""
import sys
from collections import Counter, defaultdict

train, feats, cands = sys.argv[1:4]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 10
genres = defaultdict(list)
order = {}
U_GENRE = ["unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
           "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
           "Romance", "Sci-Fi", "Thriller", "War", "Western"]
if feats.endswith(".csv"):
    import csv
    rows = csv.reader(open(feats, encoding="utf-8"))
    next(rows)
    pairs = ((r[0], g) for r in rows for g in r[2].split("|") if g != "(no genres listed)")
else:
    pairs = ((f[0], U_GENRE[k]) for f in (l.rstrip("\n").split("|")
             for l in open(feats, encoding="latin-1")) for k in range(19) if f[5 + k] == "1")
for item, g in pairs:
    genres[item].append(g)
    order.setdefault(g, len(order))
seen = defaultdict(set)
for line in open(train):
    u, i = line.split("\t")[:2]
    seen[u].add(i)
gpop = Counter()
for u, items in seen.items():
    for i in items:
        for g in genres.get(i, ()):
            gpop[g] += 1
cand = [l.split("\t")[0].strip() for l in open(cands) if l.strip()]
pop = {i: sum(gpop[g] for g in genres.get(i, ())) for i in cand}
top = 1 + max(pop.values(), default=0)
out = sys.stdout
for u in seen:
    c = Counter(g for i in seen[u] for g in genres.get(i, ()))
    fav = min(c, key=lambda g: (-c[g], order[g])) if c else None
    scored = sorted(((fav in genres.get(i, ())) + pop[i] / top, i) for i in cand
                    if i not in seen[u])
    scored.sort(key=lambda t: -t[0])
    for r, (s, i) in enumerate(scored[:n], 1):
        out.write(f"{u}\t{r}\t{i}\t{s:.6g}\n")
