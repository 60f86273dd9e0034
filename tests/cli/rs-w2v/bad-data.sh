# Bad TSV names file, line and field; a matrix comes alone; an empty input.
printf 'u1\ti1\nu1\n' > bad.tsv
printf 'u1\ti1\nu1\ti2\n' > x.tsv
rs-index x.tsv > x.rsm
st=0; rs-w2v bad.tsv > /dev/null 2> err || st=$?
echo "bad tsv: exit $st"; grep -c 'bad.tsv' err
st=0; rs-w2v x.rsm x.tsv > /dev/null 2> err || st=$?
echo "matrix plus file: exit $st"; grep -c 'comes alone' err
st=0; rs-w2v < /dev/null > /dev/null 2> err || st=$?
echo "empty: exit $st"; cat err
st=0; rs-w2v --order time x.tsv > /dev/null 2> err || st=$?
echo "--order time without timestamps: exit $st"; cat err
head -c 100 x.rsm > cut.rsm
st=0; rs-w2v cut.rsm > /dev/null 2> err || st=$?
echo "truncated matrix: exit $st"
