#!/bin/sh
# Damaged model files through the programs: flipped bits (one in every 61st
# byte, the bit chosen by the position) and truncations (every 127th length)
# of a matrix from rs-index, an SVD, an item KNN and a w2v model, each read
# by rs-index --list (mapped), rs-index --list on stdin (streamed) and
# rs-recommend -n 3.  Each run must exit 1 (refused) or else exit 0 with the
# output of the intact file: never a signal, never another status, never a
# different answer.  The complete sweep (every bit, every length) is the
# unit test test_damaged.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${RS_BIN:-$top/build/bin}
PATH=$bin:$PATH
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
awk 'BEGIN { for (u = 1; u <= 12; u++) for (k = 1; k <= 4; k++)
             printf "u%d\ti%d\t%d\t%d\n", u, (u * k) % 9, (u + k) % 5 + 1, 100 * u + k }' > m.tsv
rs-index < m.tsv > matrix
rs-svd -k 2 matrix > svd
rs-knn --items -k 3 matrix > knn
rs-w2v -k 4 --min-count 1 --epochs 1 matrix > w2v
# damage FILE: the damaged copies d.FILE.N, one a flip or a cut.
damage() {
    perl -e 'local $/; open(F, "<", $ARGV[0]) or die; binmode F; my $b = <F>; my $n = length $b; my $k = 0;
        for (my $i = 0; $i < $n; $i += 61) { my $c = $b; substr($c, $i, 1) = chr(ord(substr($c, $i, 1)) ^ (1 << ($i % 8)));
            open(O, ">", "d.$ARGV[0]." . $k++) or die; binmode O; print O $c; close O; }
        for (my $l = 0; $l < $n; $l += 127) { open(O, ">", "d.$ARGV[0]." . $k++) or die; binmode O; print O substr($b, 0, $l); close O; }' "$1"
}
# run OUT CMD...: the output in OUT, the status echoed.
run() { out=$1; shift; "$@" > "$out" 2> "$out.err"; echo $?; }
n=0
for m in matrix svd knn w2v; do
    damage $m
    run want.list rs-index --list $m > /dev/null
    run want.rec rs-recommend -n 3 -m $m > /dev/null
    total=0 refused=0 bad=
    for d in d.$m.*; do
        for how in list stdin rec; do
            total=$((total + 1))
            case $how in
            list)  s=$(run got rs-index --list "$d"); want=want.list ;;
            stdin) s=$(run got rs-index --list < "$d"); want=want.list ;;
            rec)   s=$(run got rs-recommend -n 3 -m "$d"); want=want.rec ;;
            esac
            case $s in
            1) refused=$((refused + 1))
               grep -q "^rs-[a-z]*: " got.err || bad="$bad $d/$how: exit 1 without a message;" ;;
            0) cmp -s got "$want" || bad="$bad $d/$how: exit 0 with a different output;" ;;
            *) bad="$bad $d/$how: exit $s;" ;;
            esac
        done
    done
    n=$((n + 1))
    if [ -z "$bad" ]; then echo "ok $n - $m ($(wc -c < $m) bytes): $total damaged runs, $refused refused, the rest unchanged"
    else echo "not ok $n - $m:"; echo "$bad" | tr ';' '\n' | head -10 | sed 's/^/#  /'; fi
done
echo "1..$n"
