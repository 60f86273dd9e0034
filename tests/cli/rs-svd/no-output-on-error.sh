# A failed run leaves no file under the real name.
printf 'a\tx\t3\n' | rs-index > m.rsm
if rs-svd -k 2 -o model.rsm m.rsm 2>/dev/null; then exit 1; fi
test ! -e model.rsm
ls *.rsm
