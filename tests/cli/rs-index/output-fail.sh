# -o FILE on failure: neither FILE nor a temporary file is left, and an
# existing FILE is not touched.
mkdir w && cd w
printf 'u1\ti1\t4\t100\n' > x.tsv
rs-index x.tsv > x.bin
head -c 100 x.bin > cut.bin
if rs-index --decode -o out.tsv cut.bin 2> /dev/null; then exit 3; fi
if rs-index -o out.bin x.tsv x.bin 2> /dev/null; then exit 4; fi
printf 'u1\ti1\tNaN\n' > nan.tsv
echo keep > old.bin
if rs-index -o old.bin nan.tsv 2> err; then exit 5; fi
ls
cat old.bin
cat err >&2
