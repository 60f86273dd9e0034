# --block NAME on a matrix: numbers a row a line, strings one a line; a
# misspelt name lists the blocks there are.
printf 'u1\ti1\t4\t100\nu1\ti2\t3.5\t101\nu2\ti1\t5\t-102\n' | rs-index > m.bin
for blk in shape indptr indices values times users meta; do
    echo "[$blk]"
    rs-index --block $blk m.bin
done
rs-index --block item_factors m.bin
