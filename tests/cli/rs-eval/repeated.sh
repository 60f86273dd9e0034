# An item repeated in one user's list keeps its slot but is a hit only once:
# list a a b for relevant {a, b}: hits at 1 and 3, precision@3 = 2/3,
# AP@3 = (1/1 + 2/3)/2 = 0.833333; a warning counts the repeat.
printf 'u\ta\nu\tb\n' > test.tsv
printf 'u\t1\ta\t3\nu\t2\ta\t2\nu\t3\tb\t1\n' | rs-eval -t test.tsv -k 3
