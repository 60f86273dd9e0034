# --ids-from: the test matrix shares the training matrix's id space; rows
# with ids the training set never saw are dropped and reported.
printf 'u1\ti1\t4\nu1\ti2\t3\nu2\ti3\t5\nu3\ti1\t2\n' > train.tsv
printf 'u2\ti1\t1\nu9\ti2\t2\nu1\tnew1\t3\nu3\ti3\t4\nu8\tnew2\t5\nu9\tnew1\t1\n' > test.tsv
rs-index train.tsv > train.bin
rs-index --ids-from train.bin test.tsv > test.bin
# the id maps are the training file's, exactly
for m in users items; do
    rs-index --block $m train.bin > a
    rs-index --block $m test.bin | cmp - a
done
rs-index -d test.bin
