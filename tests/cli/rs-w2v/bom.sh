# A UTF-8 byte order mark is not part of the first user's id, so her items
# stay one sentence with the rest of her rows.
printf 'u\ta\nu\tb\nv\tb\nv\tc\n' > plain.tsv
printf '\357\273\277u\ta\nu\tb\nv\tb\nv\tc\n' > bom.tsv
rs-w2v --seed 1 -j 1 --min-count 1 -o plain.rsm plain.tsv
rs-w2v --seed 1 -j 1 --min-count 1 -o bom.rsm bom.tsv
cmp plain.rsm bom.rsm && echo "same model"
