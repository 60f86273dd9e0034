# Worked example of man rs-eval: u1's list x a y b z against relevant {a, b, c}
# (hits at ranks 2 and 4), u2's list d x against {d}, u3 has no list (zeros),
# u4 has a list but no test line (ignored).
printf 'u1\t1\tx\t0.9\nu1\t2\ta\t0.8\nu1\t3\ty\t0.7\nu1\t4\tb\t0.6\nu1\t5\tz\t0.5\nu2\t1\td\t0.9\nu2\t2\tx\t0.5\nu4\t1\ta\t1\n' > recs.tsv
printf 'u1\ta\t5\nu1\tb\t3\nu1\tc\t4\nu2\td\t4\nu3\te\t2\n' > test.tsv
printf 'v1\tx\nv2\tx\nv3\tx\nv4\tx\nv1\ta\nv2\ta\nv1\ty\nv1\tb\nv2\td\nv3\td\nv4\tw\n' > train.tsv
rs-eval -t test.tsv -k 1,5 --format table --train train.tsv recs.tsv
rs-eval -t test.tsv -k 5 --format table --per-user recs.tsv
