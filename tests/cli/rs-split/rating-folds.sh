# Rating-level 3-fold (--folds without --last/--frac): 7 rows -> folds of
# 3, 2, 2 rows; each row is test in exactly one fold.
printf 'a\t1\na\t2\nb\t1\nb\t2\nb\t3\nc\t1\nc\t2\n' > in.tsv
for f in 1 2 3; do
  rs-split --folds 3 --fold $f -t t$f.tsv in.tsv > r$f.tsv
  echo "fold $f: $(wc -l < t$f.tsv) test, $(wc -l < r$f.tsv) train"
done
cat t1.tsv t2.tsv t3.tsv | sort > all
sort in.tsv | cmp - all && echo 'every row tested once'
echo '== fold 1'; cat t1.tsv
