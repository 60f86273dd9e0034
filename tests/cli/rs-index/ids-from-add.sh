# --ids-from --add-unknown: unknown ids are appended after the file's own.
printf 'u1\ti1\t4\nu1\ti2\t3\nu2\ti3\t5\n' > train.tsv
printf 'u2\ti1\t1\nu9\ti2\t2\nu1\tnew1\t3\n' > test.tsv
rs-index train.tsv > train.bin
rs-index --ids-from train.bin --add-unknown test.tsv > test.bin
rs-index --block users test.bin
rs-index --block items test.bin
rs-index -d test.bin
