# The same through a pipe, cut inside a block header, and just before the end block.
awk 'BEGIN { for (u = 1; u <= 50; u++) for (k = 1; k <= 10; k++) printf "u%d\ti%d\t%d\t%d\n", u, k * u % 37, k % 5 + 1, u * k }' | rs-index > x.bin
n=$(wc -c < x.bin)
for cut in 10 16 50 $((n - 72)) $((n - 1)); do
    if head -c $cut x.bin | rs-index -d > out 2> err; then echo "cut at $cut: no error"; exit 3; fi
    grep -q 'truncated rs binary stream' err || { cat err; exit 4; }
    [ ! -s out ]
done
echo "all cuts caught"
