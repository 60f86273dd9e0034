# --folds 2: fold I's files where the pattern has %; each metric's mean and
# sample sd over the folds, and the paired interval resampling users, who
# are the same three in both folds.  At K=1, A - B per user is (0, +1) for
# u1, (0, -1) for u2 and (-1, -1) for u3 over the two folds: a resample's
# statistic is the mean of the drawn users' fold averages (+0.5, -0.5, -1),
# so three draws of u3 (chance 1/27 > 2.5%) give -1 and three of u1 +0.5,
# the ends of [-1.0000, +0.5000]; each fold resampled apart gave the
# narrower [-0.8333, +0.1667].
printf 'u1\t1\ta\t0.9\nu1\t2\tx\t0.8\nu2\t1\ta\t0.9\nu2\t2\tc\t0.8\nu3\t1\tx\t0.9\nu3\t2\ta\t0.8\n' > a1.tsv
cp a1.tsv a2.tsv
printf 'u1\t1\tb\t1\nu1\t2\tx\t1\nu2\t1\tx\t1\nu3\t1\ta\t1\n' > b1.tsv
cp b1.tsv b2.tsv
printf 'u1\ta\nu1\tb\nu2\tc\nu3\ta\n' > test1.tsv
printf 'u1\ta\nu2\tx\nu3\ta\n' > test2.tsv
rs-eval --folds 2 -t 'test%.tsv' -k 1,2 --format table A='a%.tsv' B='b%.tsv' 2>/dev/null
rs-eval --folds 2 -t 'test%.tsv' -k 2 --format tsv --resamples 200 --seed 7 A='a%.tsv' B='b%.tsv' 2>/dev/null
rs-eval --folds 2 -t 'test%.tsv' -k 2 --json A='a%.tsv' B='b%.tsv' 2>/dev/null \
    | /usr/bin/python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["folds"], [(r["model"], r["ndcg"]["mean"], r["ndcg"]["sd"]) for r in d["rows"]])'
