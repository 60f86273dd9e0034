# One flipped bit in the middle of a payload: the block's checksum catches it.
awk 'BEGIN { for (u = 1; u <= 50; u++) for (k = 1; k <= 10; k++) printf "u%d\ti%d\t%d\t%d\n", u, k * u % 37, k % 5 + 1, u * k }' | rs-index > x.bin
flip() { perl -e 'open(F, "+<", $ARGV[0]) or die; binmode F; seek(F, $ARGV[1], 0); read(F, $c, 1);
                  seek(F, $ARGV[1], 0); print F chr(ord($c) ^ 1); close F or die' "$@"; }
flip x.bin $(( $(wc -c < x.bin) / 2 ))
rs-index --decode < x.bin
