# A UTF-8 byte order mark at the start of the test file or of the lists is
# not part of the first user's id: u1 is found in both (hit at rank 1).
printf '\357\273\277u1\ta\t5\nu2\tb\t4\n' > test.tsv
printf '\357\273\277u1\t1\ta\t0.9\nu2\t1\tb\t0.8\n' > recs.tsv
rs-eval -t test.tsv -k 1 recs.tsv
