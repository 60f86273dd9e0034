# -o FILE gets TSV (never the terminal table), and nothing is left behind on
# failure; a zstd-compressed test set is read like a plain one.
printf 'u\ta\nu\tb\nv\tc\n' > test.tsv
zstd -q --rm test.tsv
printf 'u\t1\ta\t1\nu\t2\tc\t1\nv\t1\tc\t1\n' > recs.tsv
rs-eval -t test.tsv.zst -k 2 -o report.tsv recs.tsv
cat report.tsv
if rs-eval -t missing.tsv -o bad.tsv recs.tsv 2>/dev/null; then exit 1; fi
test ! -e bad.tsv
for f in *; do case $f in *.tmp.*) exit 1;; esac; done
