# An SVG of a long table (--by): a line per model, the legend names them,
# the axes carry the labels, the script holds exactly the numbers drawn and
# the table stays beside the picture.
printf 'model\tk\tndcg\nsvd\t1\t0.10\nsvd\t5\t0.20\nsvd\t10\t0.25\nals\t1\t0.05\nals\t5\t0.30\nals\t10\t0.40\n' > t.tsv
rs-plot -x k -y ndcg --by model --title 'Two models' --ylabel 'NDCG@K' -o pic.svg t.tsv
ls pic.*
cmp t.tsv pic.tsv && echo "table beside"
head -c 5 pic.svg | grep -q '<?xml' && echo "an svg"
for s in 'Two models' '>svd<' '>als<' 'NDCG' '>k<'; do grep -q "$s" pic.svg && echo "has $s"; done
# the numbers of each line, in table order
sed -n '/^\$s0 << EOD/,/^EOD/p' pic.gp
sed -n '/^\$s1 << EOD/,/^EOD/p' pic.gp
# the script draws the same picture again
rm pic.svg; gnuplot pic.gp && test -s pic.svg && echo "script redraws"
# a PNG, and the table given on stdin
rs-plot -x k -y ndcg --by model -o pic2.png < t.tsv
head -c 8 pic2.png | od -An -c | grep -q 'P   N   G' && echo "a png"
cmp t.tsv pic2.tsv && echo "stdin table beside"
