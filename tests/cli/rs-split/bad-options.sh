# Bad usage exits 2, before any input is read and without creating -t FILE.
printf 'a\t1\t5\t1\na\t2\t3\t2\n' > in.tsv
try() { if rs-split "$@" in.tsv >/dev/null 2>err; then echo "accepted: $*"; else echo "$? $*"; fi; }
try --frac 1.5 -t t.tsv
try --frac -0.1 -t t.tsv
try --frac x -t t.tsv
try --users-frac 2 -t t.tsv
try --last 0 -t t.tsv
try --last -3 -t t.tsv
try --last 2 --frac 0.5 -t t.tsv
try --folds 5 --fold 0 -t t.tsv
try --folds 5 --fold 6 -t t.tsv
try --fold 6 --folds 5 -t t.tsv
try --folds 1 --fold 1 -t t.tsv
try --folds 5 -t t.tsv
try --fold 2 -t t.tsv
try --folds 5 --fold 1 --users-frac 0.5 -t t.tsv
try --by date --last 1 -t t.tsv
try --seed -1 --last 1 -t t.tsv
try --last 1
try -t t.tsv
try --last 1 -t -
try --last 1 -t x.tsv -o x.tsv
try --no-such-option --last 1 -t t.tsv
ls
