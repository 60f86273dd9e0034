# A shard whose lists share no user with its test set: --partial counts its
# users (without lists, or not in the test set) instead of refusing; without
# --partial it is still the error "share no users".
printf 'u\ta\n' > test.tsv
printf 'x\t1\ta\t1\ny\t1\ta\t1\n' > recs.tsv
rs-eval --partial -k 1 -t test.tsv recs.tsv | grep '^count'
rs-eval -k 1 -t test.tsv recs.tsv 2> err.txt || echo "exit $?: $(cat err.txt)"
