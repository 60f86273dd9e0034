# Ids are opaque tokens: UUIDs, unicode, spaces, punctuation, '#' inside.
cat > x.tsv <<'TSV'
# a comment line is not an interaction
3f2504e0-4f89-11d3-9a0c-0305e82c3301	café crème	5	1
3f2504e0-4f89-11d3-9a0c-0305e82c3301	日本語のタイトル	4.5	2
3f2504e0-4f89-11d3-9a0c-0305e82c3301	"quoted, with comma"	1	3
Zoë O'Brien	café crème	2	4
Zoë O'Brien	x#y	3	5
-1	0	4	6
007	7	4	7
TSV
rs-index x.tsv > x.bin
rs-index --decode x.bin > back.tsv
grep -v '^#' x.tsv | cmp - back.tsv
rs-index --block users x.bin
rs-index --block items x.bin
