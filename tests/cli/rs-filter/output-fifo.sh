# -o to a FIFO writes into it; it is not replaced by a renamed temporary
# file (which would also leave the reader waiting forever).
printf 'u,i\n1,2\n3,4\n' > r.csv
mkfifo p
rs-filter -o p r.csv &
timeout 10 cat p
wait
test -p p && echo "p is still a FIFO"
ls p r.csv
