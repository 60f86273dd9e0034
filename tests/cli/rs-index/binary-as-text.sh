# Binary where text is expected: the hint points at --decode.
printf 'u1\ti1\t4\t100\n' | rs-index > x.bin
rs-index < x.bin > y.bin
