#!/bin/sh
# Every program's options are documented where a user looks: each long
# option of the getopt_long table in cmd/<prog>.c appears in --help and in
# man/<prog>.1, and so does each short option; every man page renders
# without a groff warning.  An alias (another name for the same option, as
# --neighbours for --neighbors) needs only one of its names in --help.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${RS_BIN:-$top/build/bin}
n=0; fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else fail=$((fail + 1)); echo "not ok $n - $2"; fi; }
# Options kept out of --help on purpose (prog:option), each with its reason.
hidden="rs-w2v:simd"    # picks the baseline code path for tests; in the man page

dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
# rs-svd-mpi (mpi/) when it is built (where Open MPI's mpicc is).
for src in "$top"/cmd/*.c "$top"/mpi/*.c; do
    p=$(basename "$src" .c)
    case $src in "$top"/mpi/*) [ -x "$bin/$p" ] || continue ;; esac
    man=$top/man/$p.1
    [ -f "$man" ]; ok $? "$p: man/$p.1 exists"
    "$bin/$p" --help > "$dir/help" 2>/dev/null
    sed 's/\\-/-/g; s/\\f[BIRP]//g' "$man" > "$dir/man" 2>/dev/null
    # One awk per program: forks are what a shell loop over options costs.
    # Its output: "man -x --y" and "help -x --y", the options missing there.
    out=$(awk -v hidden="$hidden" -v prog="$p" -v dir="$dir" '
        function has(where, opt,   line, rest, k) {
            for (k = 1; k <= nl[where]; k++) {
                line = text[where, k]
                while ((i = index(line, opt)) > 0) {
                    rest = substr(line, i + length(opt), 1)
                    if (rest !~ /[a-zA-Z0-9-]/ && (i == 1 || substr(line, i - 1, 1) !~ /[a-zA-Z0-9-]/))
                        return 1
                    line = substr(line, i + length(opt))
                }
            }
            return 0
        }
        FILENAME == dir "/help" { text["help", ++nl["help"]] = $0; next }
        FILENAME == dir "/man" { text["man", ++nl["man"]] = $0; next }
        /struct option/ { intable = 1 }
        intable && match($0, /\{ *"[a-z0-9-]+", *[a-z_]+, *NULL, *[^ }]+/) {
            e = substr($0, RSTART, RLENGTH); sub(/^\{ *"/, "", e)
            name = e; sub(/".*/, "", name)
            val = e; sub(/.*NULL, */, "", val)
            names[++nn] = name; value[name] = val
        }
        intable && /\{ *NULL *, *0/ { intable = 0 }
        match($0, /getopt[_a-z]*\(argc, argv, "[^"]*"/) {
            s = substr($0, RSTART, RLENGTH); sub(/.*argv, "/, "", s); sub(/"$/, "", s)
            gsub(/:/, "", s); shorts = s
        }
        END {
            for (k = 1; k <= nn; k++) {
                o = names[k]
                if (!has("man", "--" o)) mm = mm " --" o
                doc = index(" " hidden " ", " " prog ":" o " ") > 0
                for (j = 1; j <= nn && !doc; j++)
                    if (value[names[j]] == value[o] && has("help", "--" names[j])) doc = 1
                if (!doc) mh = mh " --" o
            }
            for (k = 1; k <= length(shorts); k++) {
                c = substr(shorts, k, 1)
                if (!has("man", "-" c)) mm = mm " -" c
                if (!has("help", "-" c)) mh = mh " -" c
            }
            print "man" mm; print "help" mh
        }' "$dir/help" "$dir/man" "$src")
    missing_man=$(printf '%s\n' "$out" | sed -n 's/^man//p')
    missing_help=$(printf '%s\n' "$out" | sed -n 's/^help//p')
    [ -z "$missing_man" ]; ok $? "$p: every option is in man/$p.1${missing_man:+ (missing:$missing_man)}"
    [ -z "$missing_help" ]; ok $? "$p: every option is in --help${missing_help:+ (missing:$missing_help)}"
done

if command -v groff > /dev/null; then
    for man in "$top"/man/*.[1-9]; do
        warn=$(groff -man -ww -z "$man" 2>&1)
        [ -z "$warn" ]; ok $? "$(basename "$man") renders without warnings${warn:+: $warn}"
    done
else
    n=$((n + 1)); echo "ok $n # skip groff is not installed"
fi
echo "1..$n"
[ "$fail" = 0 ]
