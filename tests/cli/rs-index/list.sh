# --list (alias --info): every block with its type, shape and sizes, then meta.
printf 'u1\ti1\t4\t100\nu1\ti2\t3.5\t101\nu2\ti1\t5\t102\n' | rs-index > m.bin
rs-index --list m.bin
rs-index --info < m.bin > info.txt
rs-index --list m.bin | cmp - info.txt
# without timestamps there is no times block, and meta says 3 columns
printf 'u1\ti1\t4\n' | rs-index | rs-index --list
