# Coverage without --train is over the items of the lists and the test set
# (a catalogue that depends on the model): the table's summary line and
# stderr say so; JSON says where the catalogue came from; with --train
# neither note appears.
printf 'u1\ta\nu2\tb\n' > test.tsv
printf 'u1\t1\ta\t1\nu2\t1\tc\t1\n' > recs.tsv
printf 'v\ta\nv\tb\nv\tc\nv\td\n' > train.tsv
rs-eval -t test.tsv -k 1 --format table recs.tsv 2> err1
rs-eval -t test.tsv -k 1 --json recs.tsv 2> err2
rs-eval -t test.tsv -k 1 --format table --train train.tsv recs.tsv 2> err3
rs-eval -t test.tsv -k 1 --json --train train.tsv recs.tsv
cat err1 err2
test ! -s err3
