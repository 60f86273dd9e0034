# Failed trials are rows with a status and no metric; the search goes on;
# --column reads a TSV's column on the last line; -j 2 runs two at a time.
printf 'v int 1 4\n' > space.txt
rs-search -n 16 -j 2 --sampler random --column score space.txt 'test {v} != 2 || exit 3; test {v} != 3 || kill -9 $$; test {v} != 4 || { echo nothing; exit 0; }; printf "a\tscore\n1\t{v}\n"' > t.tsv 2> err
sed 1d t.tsv | sort -n | awk -F '\t' '{ print $2, ($3 == "" ? "-" : $3), $5 }' | sort -u
grep -c '^rs-search: trial [0-9]* failed' err > /dev/null && echo "failures said"
