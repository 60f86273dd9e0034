# No item reaches --min-count: bad data (exit 1), and nothing is written.
printf 'u1\ti1\nu1\ti2\nu2\ti1\n' > x.tsv
rs-w2v --min-count 3 -o m.rsm x.tsv || { st=$?; test ! -e m.rsm && echo "no output"; exit $st; }
