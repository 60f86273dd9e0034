# Ids are opaque strings: item 010 is not item 10, user "7 " is not user 7.
printf '7\t10\n7\tx y\n' > test.tsv
printf '7\t1\t010\t3\n7\t2\tx y\t2\n7 \t1\t10\t1\n' | rs-eval -t test.tsv -k 1,2
