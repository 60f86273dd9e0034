# --kind bars: a cluster per x value (words allowed), a bar per y column;
# --script writes the script only.
printf 'model\tndcg\tmap\nsvd\t0.2\t0.1\nals\t0.3\tnan\n' | rs-plot -x model --kind bars --script > b.gp
sed -n '/^\$data << EOD/,/^EOD/p' b.gp
grep '^plot' b.gp
ls *.svg *.tsv 2>/dev/null | wc -l
