# A flipped bit in a block header (here in the first block's name, byte 16 + 8).
printf 'u1\ti1\t4\t100\nu2\ti2\t3\t200\n' | rs-index > x.bin
flip() { perl -e 'open(F, "+<", $ARGV[0]) or die; binmode F; seek(F, $ARGV[1], 0); read(F, $c, 1);
                  seek(F, $ARGV[1], 0); print F chr(ord($c) ^ 1); close F or die' "$@"; }
flip x.bin 24
rs-index --list x.bin
