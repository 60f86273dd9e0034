# A binary stream cut in half is an error, never a shorter matrix.
awk 'BEGIN { for (u = 1; u <= 50; u++) for (k = 1; k <= 10; k++) printf "u%d\ti%d\t%d\t%d\n", u, k * u % 37, k % 5 + 1, u * k }' | rs-index > x.bin
head -c $(( $(wc -c < x.bin) / 2 )) x.bin > half.bin
rs-index --decode half.bin
