# --fallback popular: users with no known item get the popular list
# (training users per item), in input order among the folded-in ones.
printf 'a1\tx1\na1\tx2\na2\tx2\na2\tx3\nb1\tx2\nb1\ty2\n' | rs-index | rs-svd -k 2 -o m.rsm
printf 'new\tzz\nold\tx1\nold\tx3\nnew2\tqq\n' > h.tsv
rs-recommend -m m.rsm --history h.tsv --fallback popular -n 2 | cut -f1-3
rs-recommend -m m.rsm --history h.tsv -n 2 > skipped.tsv 2> err.txt && exit 9
grep -q '2 of 3 history users skipped' err.txt
cut -f1 skipped.tsv | sort -u
