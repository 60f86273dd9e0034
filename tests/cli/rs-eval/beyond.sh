# Worked example of man rs-eval (BEYOND ACCURACY): u1's list a x against
# {a, b}, u2's a c against {c}, u3's x a against {a}; in training x is the
# most popular item (the head at --head 0.2 of 4 items), genres a: Comedy
# Drama, x: Comedy, c: Drama Horror, b: Horror.  Hand-computed in the page:
# at K=2 serendipity 2/9, longtail 2/3, personalization 1/3, diversity
# (2 (1 - 1/sqrt 2) + 1/2) / 3 = 0.361929, attr_coverage 7/9; with the
# popularity lists x a as the baseline, serendipity 1/3.
printf 'u1\t1\ta\t0.9\nu1\t2\tx\t0.8\nu2\t1\ta\t0.9\nu2\t2\tc\t0.8\nu3\t1\tx\t0.9\nu3\t2\ta\t0.8\n' > recs.tsv
printf 'u1\ta\nu1\tb\nu2\tc\nu3\ta\n' > test.tsv
printf 'v1\tx\nv2\tx\nv3\tx\nv4\tx\nv1\ta\nv2\ta\nv3\tb\nv4\tc\n' > train.tsv
printf 'a\tComedy\na\tDrama\nx\tComedy\nc\tDrama\nc\tHorror\nb\tHorror\n' > genres.tsv
printf 'u1\t1\tx\t1\nu1\t2\ta\t1\nu2\t1\tx\t1\nu2\t2\ta\t1\nu3\t1\tx\t1\nu3\t2\ta\t1\n' > pop.tsv
rs-eval -t test.tsv --train train.tsv -k 1,2 --beyond --features genres.tsv --format table recs.tsv
rs-eval -t test.tsv --train train.tsv -k 2 --beyond --features genres.tsv --per-user recs.tsv
rs-eval -t test.tsv --train train.tsv -k 2 --baseline pop.tsv --json recs.tsv
