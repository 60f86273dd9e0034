# Usage errors exit 2 with a pointer to --help; --help itself exits 0.
rs-w2v --help | grep -q -- '--ns-exponent X'
rs-w2v --version | grep -q '^rs-w2v '
printf 'u1\ti1\nu1\ti2\n' > x.tsv
for args in "--bogus" "--window 0" "--negative 0" "--vector-size 0" "-k 10001" "--epochs 0" \
            "--cbow-mean 2" "--order random" "--export glove" "--alpha 0" "--min-alpha 1" \
            "--sample -1" "--ns-exponent nan" "--min-count -1" "-j 2000" "--seed x" \
            "--export word2vec -z" "--window"; do
    st=0
    rs-w2v $args x.tsv > /dev/null 2> err || st=$?
    [ $st = 2 ] || { echo "$args: exit $st"; cat err; exit 4; }
    grep -q "Try 'rs-w2v --help'" err || { echo "$args: no hint"; cat err; exit 5; }
done
echo usage ok
