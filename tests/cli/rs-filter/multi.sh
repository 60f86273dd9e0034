# Several inputs in several dialects concatenate; '-' is stdin; .zst is decompressed.
printf 'userId,movieId,rating,timestamp\n1,10,4.0,100\n' > a.csv
printf '2::20::3::200\n' > b.dat
zstd -q b.dat -o b.dat.zst
printf '3\t30\t5\t300\n' | rs-filter a.csv - b.dat.zst
