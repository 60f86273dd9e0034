# The binary model is refused on a terminal (exit 2) before any work; the
# --export text is not.  script(1) gives the program a terminal.
printf 'u1\ti1\nu1\ti2\nu2\ti1\nu2\ti2\n' > x.tsv
st=0
script -qec "rs-w2v x.tsv" /dev/null > tty.out 2>&1 < /dev/null || st=$?
echo "status $st"
grep -c 'rs-w2v: refusing to write binary data to a terminal' tty.out
script -qec "rs-w2v -j 1 --min-count 1 -k 2 --export word2vec x.tsv" /dev/null < /dev/null | tr -d '\r' | head -1
