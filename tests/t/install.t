#!/bin/sh
# make install into a temporary DESTDIR: every program, page and shell
# completion lands where PREFIX says, the installed programs run (--version, a small pipe), and
# man -l renders every installed page.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${RS_BIN:-$top/build/bin}
build=$(dirname "$bin")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
progs=$(cd "$top/cmd" && ls rs-*.c | sed 's/\.c$//')
pages=$(cd "$top/man" && ls)
# rs-svd-mpi and its page are built and installed only where Open MPI's
# mpicc is; then they must be there, else they must not.
if command -v mpicc > /dev/null; then
    progs="$progs rs-svd-mpi"
else
    pages=$(echo "$pages" | grep -vx 'rs-svd-mpi.1')
fi
echo "1..6"
make -s -C "$top" install BUILD="$build" DESTDIR="$work/dest" PREFIX=/opt/rs >"$work/log" 2>&1
ok $? "make install DESTDIR=... PREFIX=/opt/rs"
missing=
for p in $progs; do [ -x "$work/dest/opt/rs/bin/$p" ] || missing="$missing $p"; done
for m in $pages; do
    sec=${m##*.}
    [ -f "$work/dest/opt/rs/share/man/man$sec/$m" ] || missing="$missing $m"
done
[ -z "$missing" ]; ok $? "every program and man page is installed${missing:+ (missing:$missing)}"
# bash-completion loads a command's file by its name; zsh takes _rs.
missing=
for p in $progs; do
    grep -q "^complete -F _rs .*\b$p\b" "$work/dest/opt/rs/share/bash-completion/completions/$p" 2>/dev/null \
        || missing="$missing $p"
done
grep -q "^#compdef .*rs-svd" "$work/dest/opt/rs/share/zsh/vendor-completions/_rs" 2>/dev/null || missing="$missing _rs"
[ -z "$missing" ]; ok $? "bash and zsh completions are installed${missing:+ (missing:$missing)}"
bad=
for p in $progs; do
    "$work/dest/opt/rs/bin/$p" --version 2>/dev/null | grep -q "^$p (rs) " || bad="$bad $p"
done
[ -z "$bad" ]; ok $? "every installed program says its version${bad:+ (not:$bad)}"
PATH=$work/dest/opt/rs/bin:/usr/bin:/bin
rs-filter --min-rating 4 "$top/testdata/ratings.csv" | rs-split --last 5 -t "$work/test.tsv" \
    | rs-index | rs-svd -k 5 | rs-recommend -n 5 | rs-eval -t "$work/test.tsv" -k 5 > "$work/report"
[ -s "$work/report" ] && grep -q hitrate "$work/report"; ok $? "the installed programs run the whole pipe"
bad=
if command -v man >/dev/null 2>&1; then
    for m in $pages; do
        sec=${m##*.}
        out=$(MANWIDTH=80 man -l "$work/dest/opt/rs/share/man/man$sec/$m" 2>&1 >/dev/null)
        [ -z "$out" ] || bad="$bad $m"
        MANWIDTH=80 man -l "$work/dest/opt/rs/share/man/man$sec/$m" 2>/dev/null | grep -q "^NAME" || bad="$bad $m"
    done
    [ -z "$bad" ]; ok $? "man -l renders every installed page without a warning${bad:+ (not:$bad)}"
else
    echo "ok $((n + 1)) # SKIP man is not installed"
fi
