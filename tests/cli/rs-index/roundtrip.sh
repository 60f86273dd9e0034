# Rows already grouped by user come back byte for byte, in each of the
# three column layouts of canonical TSV.
printf 'u1\ti1\t4\t100\nu1\ti2\t3.5\t101\nu1\ti9\t0.5\t-5\nu2\ti1\t5\t102\nu3\ti3\t1\t99\nu3\ti2\t2.25\t9223372036854775807\n' > x4.tsv
cut -f1-3 x4.tsv > x3.tsv
cut -f1-2 x4.tsv > x2.tsv
for n in 4 3 2; do
    rs-index x$n.tsv | rs-index --decode > back$n.tsv
    cmp x$n.tsv back$n.tsv
done
# stdin, -o and the file argument agree
rs-index < x4.tsv > a.bin
rs-index -o b.bin x4.tsv
cmp a.bin b.bin
rs-index -d b.bin
