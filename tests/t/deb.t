#!/bin/sh
# make deb builds installable packages from the committed tree: they hold
# every program, man page and shell completion (rs-svd-mpi's in
# rs-recommender-mpi, so that rs-recommender does not pull in Open MPI), lintian finds nothing to say (run as root it
# only warns about that), and the programs it unpacks run.  Skipped without
# Debian's packaging tools (dpkg-buildpackage, debhelper) and in the quick
# (sanitizer) pass, since the package build compiles everything again.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -n "$RS_TEST_QUICK" ]; then echo "1..0 # SKIP RS_TEST_QUICK"; exit 0; fi
if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
    echo "1..0 # SKIP dpkg-buildpackage or debhelper missing (apt-get install dpkg-dev debhelper)"
    exit 0
fi
if ! git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    echo "1..0 # SKIP not a git checkout"; exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
echo "1..5"
DEB_BUILD_OPTIONS=noddebs make -s -C "$top" deb BUILD="$work/b" >"$work/log" 2>&1
deb=$(ls "$work"/b/deb/rs-recommender_*.deb 2>/dev/null | head -1)
mpideb=$(ls "$work"/b/deb/rs-recommender-mpi_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] && [ -n "$mpideb" ]; ok $? "make deb builds the packages (rs-recommender, rs-recommender-mpi)"
[ -n "$deb" ] && [ -n "$mpideb" ] || { sed 's/^/# /' "$work/log" | tail -20; exit 1; }
dpkg-deb -c "$mpideb" | awk '{ print $6 }' > "$work/mpifiles"
dpkg-deb -c "$deb" | awk '{ print $6 }' | cat - "$work/mpifiles" > "$work/files"
missing=
for c in "$top"/cmd/rs-*.c "$top"/mpi/rs-*.c; do p=$(basename "$c" .c); grep -qx "./usr/bin/$p" "$work/files" || missing="$missing $p"; done
for m in "$top"/man/*; do p=$(basename "$m"); grep -q "/man/man.*/$p.gz$" "$work/files" || missing="$missing $p"; done
grep -qx "./usr/bin/rs-svd-mpi" "$work/mpifiles" || missing="$missing rs-svd-mpi(in rs-recommender-mpi)"
for c in "$top"/cmd/rs-*.c "$top"/mpi/rs-*.c; do
    p=$(basename "$c" .c)
    grep -qx "./usr/share/bash-completion/completions/$p" "$work/files" || missing="$missing bash:$p"
done
grep -qx "./usr/share/zsh/vendor-completions/_rs" "$work/files" || missing="$missing zsh:_rs"
[ -z "$missing" ]; ok $? "the package holds every program, man page and shell completion${missing:+ (missing:$missing)}"
if command -v lintian >/dev/null; then
    out=$(lintian "$deb" "$mpideb" 2>&1 | grep -v 'running with root privileges')
    [ -z "$out" ]; ok $? "lintian is clean"
    [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
else
    echo "ok 3 # SKIP lintian missing"; n=3
fi
dpkg-deb -x "$deb" "$work/root"
"$work/root/usr/bin/rs-filter" --min-rating 4 "$top/testdata/ratings.csv" | "$work/root/usr/bin/rs-index" \
    | "$work/root/usr/bin/rs-svd" -k 4 | "$work/root/usr/bin/rs-recommend" -n 3 | head -3 | grep -c . \
    | grep -qx 3
ok $? "the packaged programs run a pipe"
# Built from a tarball (no .git): the version alone, debian/changelog's.
want=$(sed -n '1s/.*(\([^)-]*\).*/\1/p' "$top/debian/changelog")
got=$("$work/root/usr/bin/rs-svd" --version)
[ "$got" = "rs-svd (rs) $want" ]; ok $? "the packaged rs-svd --version says debian/changelog's version, no commit ($got)"
