# A reader that leaves early (| head) ends rs-index quietly with status 0:
# by the SIGPIPE handler, or, with SIGPIPE ignored, on the EPIPE error.
awk 'BEGIN { for (u = 1; u <= 3000; u++) for (k = 1; k <= 40; k++) printf "u%d\ti%d\t%d\t%d\n", u, (u * 7 + k * 13) % 997, (u + k) % 5 + 1, u * 100 + k }' > x.tsv
rs-index x.tsv > x.bin
rs-index --decode x.bin | head -1
( trap '' PIPE; { st=0; rs-index --decode x.bin 2>err1 || st=$?; echo $st > status1; } | head -1 > /dev/null )
( trap '' PIPE; { st=0; rs-index x.tsv 2>err2 || st=$?; echo $st > status2; } | head -c 100 > /dev/null )
cat status1 status2 err1 err2
