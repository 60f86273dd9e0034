# Binary output to a terminal is refused (exit 2); text output (--decode) is not.
# script(1) gives the program a terminal as standard output.
printf 'u1\ti1\t4\n' > x.tsv
rs-index x.tsv > x.bin
st=0
script -qec "rs-index x.tsv" /dev/null > tty.out 2>&1 < /dev/null || st=$?
echo "status $st"
grep -c 'rs-index: refusing to write binary data to a terminal' tty.out
script -qec "rs-index -d x.bin" /dev/null < /dev/null | tr -d '\r'
