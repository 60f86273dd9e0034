# --chunks 2: the matrix plus its item-major copy and the chunk index; the
# index tiles each side's rows and entries (row_lo row_hi nz_lo nz_hi crc).
printf 'u1\ti1\t5\nu1\ti2\t3\nu2\ti2\t4\nu3\ti3\t1\nu3\ti1\t2\n' | rs-index --chunks 2 > c.rsm
rs-index --list c.rsm | cut -f1-4
rs-index --block chunks c.rsm
rs-index --block csc_indices c.rsm | tr '\n' ' '; echo
rs-index --decode c.rsm
