# A full disk is an error, for the binary and for the text direction.
printf 'u1\ti1\t4\t100\n' > x.tsv
rs-index x.tsv > x.bin
if rs-index --decode x.bin > /dev/full 2> err; then exit 3; fi
cat err >&2
rs-index x.tsv > /dev/full
