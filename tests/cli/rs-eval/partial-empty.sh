# A shard with no users (an empty test set, no lists): --partial writes a
# partial of zero users, and --merge adds nothing from it: the merge of it
# and a shard's partial is that shard's report.
: > empty.tsv
rs-eval --partial -k 2 -t empty.tsv empty.tsv > p0.tsv
cat p0.tsv
printf 'u\ta\nv\tb\n' > test.tsv
printf 'u\t1\ta\t1\nu\t2\tc\t0.5\nv\t1\tc\t1\n' > recs.tsv
rs-eval --partial -k 2 -t test.tsv recs.tsv > p1.tsv
rs-eval -k 2 -t test.tsv recs.tsv > whole.tsv
rs-eval --merge p0.tsv p1.tsv | cmp - whole.tsv && echo "merged = whole"
rs-eval --merge p1.tsv p0.tsv | cmp - whole.tsv && echo "in any order"
