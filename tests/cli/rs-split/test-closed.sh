# The test file is complete and in place before the first byte reaches stdout,
# so the next stage of the same pipe may open it at once.
awk 'BEGIN { for (u = 1; u <= 3000; u++) for (i = 1; i <= 40; i++) print u "\t" i "\t4\t" i }' > in.tsv
rs-split --last 2 -t test.tsv in.tsv | (head -c 1 >/dev/null; wc -l < test.tsv)
