# -z compresses the blocks; the model reads back the same.
awk 'BEGIN { for (u = 0; u < 200; u++) for (p = 0; p < 10; p++) printf "u%d\ti%d\n", u, (u * 7 + p * 3) % 40 }' > x.tsv
rs-w2v -j 1 -k 8 x.tsv > plain.rsm
rs-w2v -j 1 -k 8 -z x.tsv > z.rsm
rs-index --list z.rsm | awk '$1 == "indices" || $1 == "w2v_count" { print $1, $7 }'
rs-index --block w2v_in z.rsm > a.txt
rs-index --block w2v_in plain.rsm | cmp -s - a.txt && echo "same vectors"
rs-recommend -m plain.rsm -n 2 | md5sum > a.md5
rs-recommend -m z.rsm -n 2 | md5sum | cmp -s - a.md5 && echo "same recommendations"
