# --frac 0.5: each user gives round(0.5*n) rows, ties to even: n = 1, 2, 3, 5
# -> 0, 1, 2, 2 test rows.  Same seed, same split; the split itself is pinned.
printf 'a\t1\nb\t1\nb\t2\nc\t1\nc\t2\nc\t3\nd\t1\nd\t2\nd\t3\nd\t4\nd\t5\n' > in.tsv
rs-split --frac 0.5 --seed 7 -t t1.tsv in.tsv > r1.tsv
rs-split --frac 0.5 --seed 7 -t t2.tsv in.tsv > r2.tsv
cmp t1.tsv t2.tsv && cmp r1.tsv r2.tsv
cut -f1 t1.tsv | uniq -c | awk '{print $2, $1}'
echo '== test'
cat t1.tsv
