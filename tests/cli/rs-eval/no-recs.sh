# Test users without any recommendation count as zeros and are reported;
# recommended-for users absent from the test set are ignored and reported.
printf 'a\ti1\nb\ti2\nc\ti3\n' > test.tsv
printf 'a\t1\ti1\t1\nzz\t1\ti2\t1\nyy\t1\ti3\t1\n' | rs-eval -t test.tsv -k 1
