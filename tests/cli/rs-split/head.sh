# A reader that leaves early (| head): quiet, and the test file is complete.
awk 'BEGIN { for (u = 1; u <= 2000; u++) for (i = 1; i <= 50; i++) print u "\t" i "\t3\t" i }' > in.tsv
rs-split --last 1 -t test.tsv in.tsv 2>err | head -2
test ! -s err || cat err
wc -l < test.tsv
