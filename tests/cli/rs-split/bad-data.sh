# Bad data: the reader's message (file, line, field), exit 1, and neither
# the test file nor a temporary file is left behind.
printf 'a\t1\t4\t100\na\t2\tNaN\t200\n' > bad.tsv
status=0
rs-split --last 1 -t test.tsv -o train.tsv bad.tsv || status=$?
ls
exit $status
