# The vocabulary: items seen at least --min-count times (repeats count);
# w2v_count holds their counts, 0 for the others, whose vectors stay zero.
printf 'u1\ti1\nu1\ti2\nu1\ti3\nu2\ti1\nu2\ti2\nu2\ti1\nu3\ti4\nu3\ti2\n' > x.tsv
rs-w2v -j 1 -k 4 --min-count 2 x.tsv > m.rsm
rs-index --block w2v_count m.rsm
rs-index --list m.rsm | grep -o 'vocab=[0-9]*'
rs-index --block w2v_in m.rsm | awk '$1 == "i3" || $1 == "i4" { z = 1; for (k = 2; k <= NF; k++) if ($k != 0) z = 0; print $1, z ? "zero" : "nonzero" }'
