# --resume: the trials in the table count, the rest run numbered after them;
# a search of 6 then resumed to 10 proposes what one run of 10 does (-j 1).
printf 'x float 0 1\nk int 1 9\n' > space.txt
cmd='echo "{x} {k}" | awk "{ print (\$1 - 0.3) ^ 2 + \$2 / 100 }"'
rs-search -n 6 -o t.tsv space.txt "$cmd" 2> /dev/null
rs-search -n 10 -o t.tsv --resume space.txt "$cmd" 2> /dev/null
rs-search -n 10 -o one.tsv space.txt "$cmd" 2> /dev/null
cut -f1-4 t.tsv > a; cut -f1-4 one.tsv > b
cmp a b && echo "resumed = one run"
sed 1d t.tsv | cut -f1 | tr '\n' ' '; echo
rs-search -n 10 -o t.tsv --resume space.txt "$cmd" 2>&1 | sed 's/metric [0-9.e-]*/metric M/; s/x=.*//'
