# -z/--compress: smaller output that decodes to the same text.
awk 'BEGIN { for (u = 1; u <= 300; u++) for (k = 1; k <= 30; k++)
    printf "user%d\titem%d\t%d\t%d\n", u, (u * 7 + k * 13) % 499, (u + k) % 5 + 1, 1500000000 + u * 100 + k }' > x.tsv
rs-index x.tsv > plain.bin
rs-index -z x.tsv > z3.bin
rs-index --compress=19 x.tsv > z19.bin
rs-index -z1 -o z1.bin x.tsv
for f in z3 z19 z1; do
    [ $(wc -c < $f.bin) -lt $(wc -c < plain.bin) ]
    rs-index -d $f.bin | cmp - x.tsv
done
# the listing says which blocks were compressed; decoding never depends on it
rs-index --list z3.bin | awk -F'\t' '$1 == "indices" || $1 == "times" { print $1, $7 }'
rs-index --list plain.bin | awk -F'\t' '$1 == "indices" { print $1, $7 }'
# a compressed stream also works through the zstd program's own framing
zstd -q -c plain.bin | rs-index -d | cmp - x.tsv
