# A test file that cannot be created fails before the input is read, exit 1.
printf 'a\t1\t4\t1\n' > in.tsv
rs-split --last 1 -t no/such/dir/test.tsv in.tsv
