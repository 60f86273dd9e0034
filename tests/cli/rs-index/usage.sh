# Usage errors exit 2 with a pointer to --help; --help itself exits 0.
rs-index --help | grep -q -- '--ids-from FILE'
rs-index --version | grep -q '^rs-index '
for args in "--bogus" "-z0" "--compress=99" "--add-unknown" "--decode -z" "--list --block users" \
            "--no-ids" "--ids-from - x" "--decode a b"; do
    st=0
    rs-index $args < /dev/null > /dev/null 2> err || st=$?
    [ $st = 2 ] || { echo "$args: exit $st"; cat err; exit 4; }
    grep -q "Try 'rs-index --help'" err || { echo "$args: no hint"; cat err; exit 5; }
done
echo usage ok
