# Two files are renamed into place together, after both are complete; with
# the training rows on a stream (a pipe, a device), the test file is placed
# first, so a later stage can open it, and the stream's failure is reported.
printf 'a\tx\t4\t1\na\ty\t3\t2\nb\tx\t5\t3\n' > in.tsv
rs-split --last 1 -t test.tsv -o train.tsv in.tsv
cat train.tsv test.tsv
if rs-split --last 1 -t t2.tsv -o /dev/full in.tsv 2> err; then exit 3; fi
cat err
cat t2.tsv
if rs-split --last 1 -t nodir/t.tsv -o train.tsv in.tsv 2> err; then exit 4; fi
cat err
cat train.tsv
