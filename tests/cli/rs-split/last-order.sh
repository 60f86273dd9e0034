# --by order --last 3 is Python's items[:-3] (train), items[-3:] (test) per
# user: b (3 rows) and c (1 row) go entirely to test.  No timestamps needed.
printf 'a\t1\t5\nb\t1\t4\na\t2\t3\na\t3\t2\nc\t1\t1\na\t4\t5\nb\t2\t2\na\t5\t1\nb\t3\t3\nd\t7\t4\nd\t8\t4\nd\t9\t4\nd\t10\t4\n' > in.tsv
rs-split --by order --last 3 -t test.tsv < in.tsv
echo '== test'
cat test.tsv
