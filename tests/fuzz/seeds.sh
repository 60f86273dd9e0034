#!/bin/sh
# Regenerate the seed corpora in tests/fuzz/corpus/ (committed; run by hand
# after a format change):  sh tests/fuzz/seeds.sh [BIN]
# Text seeds are a few lines of testdata/ in each dialect; binary seeds are
# tiny models of every kind made by the programs in BIN (build/bin).
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$top/build/bin}
PATH=$bin:$PATH
c=$top/tests/fuzz/corpus
rm -rf "$c"
mkdir -p "$c/tsv" "$c/ratingfile" "$c/csvblock" "$c/eval" "$c/titles" "$c/bundle" "$c/blocks"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
csv=$top/testdata/ratings.csv
head -40 "$csv" > "$work/ratings.csv"
# canonical TSV, 2 to 4 columns, and a comment
tail -n +2 "$work/ratings.csv" | tr , '\t' > "$c/tsv/four"
cut -f1-3 "$c/tsv/four" > "$c/tsv/three"
{ echo '# user item'; cut -f1,2 "$c/tsv/four"; } > "$c/tsv/two"
# rating files: two option bytes (format, header, --columns; see
# fuzz_ratingfile.c), then the file
opt() { printf "\\$(printf %03o "$1")\\$(printf %03o "$2")"; }
{ opt 0 0; cat "$work/ratings.csv"; } > "$c/ratingfile/csv-auto"
{ opt 1 1; cat "$work/ratings.csv"; } > "$c/ratingfile/csv-named"
{ opt 2 2; cat "$c/tsv/four"; } > "$c/ratingfile/tsv-numbered"
{ opt 3 0; tr '\t' : < "$c/tsv/four" | sed 's/:/::/g'; } > "$c/ratingfile/dat"
{ opt 0 128; tr , ';' < "$work/ratings.csv"; } > "$c/ratingfile/semicolon"
{ opt 4 3; printf 'movieId,userId,rating,timestamp\n10,1,4,"2005-04-02 23:53:47"\n"1,2",3,5,2005-04-02T23:53:47Z\n'; } > "$c/ratingfile/dates-quotes"
# block parser against libcsv: one option byte (separator, header, piece
# size; see fuzz_csvblock.c), then the file: quotes, CRLF, a BOM, no final
# line end, blank and comment lines, a bad line late
ob() { printf "\\$(printf %03o "$1")"; }
{ ob 0; cat "$work/ratings.csv"; } > "$c/csvblock/csv"
{ ob 17; sed 's/$/\r/' "$work/ratings.csv"; } > "$c/csvblock/crlf"
{ ob 33; printf '\357\273\277'; head -c 300 "$work/ratings.csv"; } > "$c/csvblock/bom-no-eol"
{ ob 2; head -20 "$c/tsv/four"; printf '1\t"2\t3\n'; } > "$c/csvblock/tsv-quote"
{ ob 49; printf 'userId,movieId,title,rating\n1,2,"a, b",4\n\n# c\n3,4,"x\ny",5\r\n5,6,"say ""hi""",1\n 7 ,8, t ,2\n'; } > "$c/csvblock/quoted"
{ ob 5; head -30 "$work/ratings.csv"; echo '9,9,x,1'; tail -5 "$work/ratings.csv"; } > "$c/csvblock/bad-late"
{ ob 3; head -10 "$work/ratings.csv" | tr , ';'; printf '1;2;"3\n'; } > "$c/csvblock/open-quote"
# eval: lists (or predictions) NUL test NUL train
printf 'x' > "$work/lists.bin"
tail -n 10 "$c/tsv/four" | cut -f1,2,3 > "$work/test"
head -20 "$c/tsv/four" | cut -f1-3 > "$work/train"
head -20 "$c/tsv/four" | cut -f1,2 | awk -F'\t' '{ print $1 "\t" NR "\t" $2 "\t" 1 / NR }' > "$work/recs"
{ printf '\0'; cat "$work/recs"; printf '\0'; cat "$work/test"; printf '\0'; cat "$work/train"; } > "$c/eval/topn"
{ printf '\1'; cut -f1-3 "$work/test"; printf '\0'; cat "$work/test"; } > "$c/eval/rated"
# titles: each dialect
head -30 "$top/testdata/movies.csv" > "$c/titles/movies.csv"
tail -n +2 "$c/titles/movies.csv" | awk -F, '{ print $1 "|" $2 "|01-Jan-1995||0|1" }' > "$c/titles/u.item"
tail -n +2 "$c/titles/movies.csv" | awk -F, '{ print $1 "::" $2 "::" $3 }' > "$c/titles/movies.dat"
printf '1\tToy Story\n2\tCaf\351\n' > "$c/titles/tsv-latin1"
# models: a small matrix and one model of each kind, plain and compressed
awk 'BEGIN { for (u = 1; u <= 12; u++) for (k = 1; k <= 4; k++)
             printf "u%d\ti%d\t%d\t%d\n", u, (u * k) % 9, (u + k) % 5 + 1, 100 * u + k }' > "$work/m.tsv"
rs-index < "$work/m.tsv" > "$work/matrix"
rs-svd -k 2 "$work/matrix" > "$work/svd"
rs-svd -a als -k 2 "$work/matrix" > "$work/als"
rs-svd -a bpr -k 2 "$work/matrix" > "$work/bpr"
rs-svd -a funk -k 2 --epochs 2 "$work/matrix" > "$work/funk"
rs-knn --items -k 3 "$work/matrix" > "$work/knn-item"
rs-knn --users -k 3 "$work/matrix" > "$work/knn-user"
rs-w2v -k 4 --min-count 1 --epochs 1 "$work/matrix" > "$work/w2v"
for m in matrix svd als bpr funk knn-item knn-user w2v; do
    cp "$work/$m" "$c/blocks/$m"
    cp "$work/$m" "$c/bundle/$m"
done
rs-index -z < "$work/m.tsv" > "$c/bundle/matrix-zstd"
rs-knn --items -k 3 -z "$work/matrix" > "$c/blocks/knn-item-zstd"
ls -l "$c"/*/ | awk '{ s += $5 } END { print s " bytes of seeds" }'
