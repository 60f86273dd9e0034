# -o and -t through symbolic links write the files they point to (as cp and
# sort -o do); the links stay links, a dangling one gets its file.
printf 'a\tx\t4\t1\na\ty\t3\t2\nb\tx\t5\t3\n' > in.tsv
mkdir data
echo old > data/train.tsv
ln -s data/train.tsv train.tsv
ln -s data/test.tsv test.tsv
rs-split --last 1 -t test.tsv -o train.tsv in.tsv
test -L train.tsv && test -L test.tsv
ls data
cat data/train.tsv
echo --
cat data/test.tsv
ln -s data/f.tsv f.tsv
rs-filter -o f.tsv in.tsv
test -L f.tsv && cmp -s f.tsv in.tsv && echo filter through the link
ls *.tmp.* data/*.tmp.* 2>/dev/null || echo no temporary files
