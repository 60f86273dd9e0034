# Files, '-' for stdin, -o for the training rows, -t - (test to stdout with -o),
# comments skipped, -v counts on stderr.
printf '# c\na\t1\t4\t1\na\t2\t3\t2\n' > one.tsv
printf 'b\t1\t5\t3\na\t3\t2\t3\nb\t2\t1\t1\n' | rs-split -v --last 1 -t test.tsv -o train.tsv one.tsv -
cat train.tsv; echo '== test'; cat test.tsv
echo '== -t -'
rs-split --last 1 -t - -o train2.tsv one.tsv
echo '== train2'; cat train2.tsv
