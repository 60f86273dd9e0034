# --core 2 is iterative: u4 goes first (1 item), which leaves item c with one
# user, so c goes, which leaves u3 with one item, so u3 goes.  One pass
# would have stopped after u4.
printf 'u1\ta\nu1\tb\nu2\ta\nu2\tb\nu3\ta\nu3\tc\nu4\tc\n' > g.tsv
rs-filter --core 2 g.tsv
echo ---
rs-filter -v --core 2 g.tsv 2>&1 >/dev/null | grep -e '--core'
