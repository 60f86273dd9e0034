# A model truncated by another process while rs-recommend holds it mapped:
# a clear error naming the file, exit 1 and no -o output (temporary file
# included), not "Bus error".  The pairs come through a FIFO, so the model
# is loaded and checked before it is cut short, and scored only after.
printf 'a1\tx1\na1\tx2\na2\tx2\na2\tx3\na3\tx1\na3\tx3\n' > r.tsv
rs-index r.tsv | rs-svd -k 2 -o m.rsm
mkfifo q
exec 3<>q                   # a writer already: rs-recommend's open does not wait
rs-recommend --predict -m m.rsm -o out.tsv q 3>&- &
pid=$!
# Wait (up to 20 s) until it has opened the pairs: the model is loaded then.
# Only once the child runs rs-recommend: before its exec, the forked shell
# still holds the FIFO as fd 3.
n=0
until { readlink /proc/$pid/exe 2>/dev/null | grep -q 'rs-recommend$' &&
        ls -l /proc/$pid/fd 2>/dev/null | grep -q '/q$'; } || [ $n -ge 200 ]; do
    sleep 0.1; n=$((n + 1))
done
: > m.rsm
printf 'a1\tx3\n' >&3
exec 3>&-
rc=0
wait $pid || rc=$?
ls -A | grep '^out\.tsv' || echo 'no out.tsv, no temporary file'
exit $rc
