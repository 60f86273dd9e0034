# --folds: a user is its id in the test files, whatever its line: fold 2's
# test file lists folds.sh's users in reverse order, and the interval is
# folds.sh's at K=1, [-1.0000, +0.5000] (three users, each in both folds).
printf 'u1\t1\ta\t0.9\nu1\t2\tx\t0.8\nu2\t1\ta\t0.9\nu2\t2\tc\t0.8\nu3\t1\tx\t0.9\nu3\t2\ta\t0.8\n' > a1.tsv
cp a1.tsv a2.tsv
printf 'u1\t1\tb\t1\nu1\t2\tx\t1\nu2\t1\tx\t1\nu3\t1\ta\t1\n' > b1.tsv
cp b1.tsv b2.tsv
printf 'u1\ta\nu1\tb\nu2\tc\nu3\ta\n' > test1.tsv
printf 'u3\ta\nu2\tx\nu1\ta\n' > test2.tsv
rs-eval --folds 2 -t 'test%.tsv' -k 1 --format tsv A='a%.tsv' B='b%.tsv' 2>/dev/null | cut -f1,2,4,22-
