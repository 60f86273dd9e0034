#!/bin/sh
# Every model program on a matrix and on the output of every other one:
# each result holds exactly the blocks and meta keys man/rs-format.5
# (KINDS) lists for its kind, nothing of the model it was given, and is
# byte for byte what the same program makes from the bare matrix.
# (tests/unit/test_layout.c checks the page against lib/format/layout.c.)
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${RS_BIN:-$top/build/bin}
PATH=$bin:$PATH
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

# The page's kinds as lines "kind blocks|name ..." and "kind meta|name ...",
# optional names in brackets.
awk '/^\.SH/ { in_k = ($0 == ".SH KINDS"); next }
     in_k && tp && /^\.BR / { kind = $2 }
     in_k && kind != "" && /^blocks: / { sub(/^blocks: /, ""); print kind " blocks|" $0 }
     in_k && kind != "" && /^meta: / { sub(/^meta: /, ""); print kind " meta|" $0 }
     { tp = ($0 == ".TP") }' "$top/man/rs-format.5" > kinds
# holds FILE KIND: FILE's blocks and meta keys are exactly KIND's, those
# of the matrix and the kind's own (every required one, optional ones or
# not, nothing else), and model= is KIND; says what is wrong.
holds() {
    rs-index --list "$1" > list || return 1
    awk -v kind="$2" -v file="$1" '
        FNR == NR {     # the kinds: "kind part|names"
            split($0, h, "|"); split(h[1], kp, " ")
            if (kp[1] != "matrix" && kp[1] != kind) next
            listed[kp[2]] = 1
            n = split(h[2], w, " ")
            for (j = 1; j <= n; j++) {
                opt = w[j] ~ /^\[/; gsub(/[][]/, "", w[j])
                want[kp[2], w[j]] = opt ? 1 : 2
            }
            next
        }
        /^#meta/ { part = "meta"; next }
        /^#block/ { part = "blocks"; next }
        { name = part == "meta" ? substr($0, 1, index($0, "=") - 1) : $1
          got[part, name] = 1
          if (!((part, name) in want)) bad = bad " stray " name ";"
          if (part == "meta" && name == "model") model = substr($0, 7) }
        END {
            if (!listed["blocks"] || !listed["meta"]) bad = bad " kind not listed;"
            for (pn in want)
                if (want[pn] == 2 && !(pn in got)) { split(pn, q, SUBSEP); bad = bad " missing " q[2] ";" }
            if ((model == "" ? "matrix" : model) != kind) bad = bad " model=" model ";"
            if (bad != "") { print "# " file " as " kind ":" bad; exit 1 }
        }' kinds list
}

# name kind command...: the models (optional blocks and keys appear in some).
cat > models <<'M'
svd svd rs-svd -k 4 -j 1
svd-user svd rs-svd -k 4 --center user -j 1
funk funk rs-svd -a funk -k 4 --epochs 2 --range 1,5 -j 1
als als rs-svd -a als -k 4 --iterations 2 -j 1
bpr bpr rs-svd -a bpr -k 4 --iterations 2 -j 1
hybrid hybrid rs-svd -a hybrid -k 4 --iterations 2 -j 1
knn-item knn-item rs-knn --items -k 5 -j 1
knn-user knn-user rs-knn --users -k 5 --weight bm25 -j 1
knn-content knn-item rs-knn --items --features -k 5 -j 1
w2v w2v rs-w2v -k 4 --epochs 1 -j 1
ease ease rs-knn -a ease --reg 10 -j 1
rp3 rp3 rs-knn -a rp3 -k 5 -j 1
M
nm=$(wc -l < models)
echo "1..$((5 + nm * 2))"

[ "$(cut -d' ' -f1 kinds | sort -u | wc -l)" -ge 2 ]; ok $? "man/rs-format.5 lists the kinds ($(cut -d' ' -f1 kinds | sort -u | tr '\n' ' '))"
# With item features (optional blocks of the matrix, which every model keeps).
rs-filter "$top/testdata/ratings.csv" | rs-split --last 5 -t test.tsv > train.tsv
rs-index --item-features "$top/testdata/movies.csv" train.tsv 2> /dev/null > m.rsm
holds m.rsm matrix; ok $? "rs-index writes exactly a matrix"
# With a chunk index (rs-index --chunks: more optional blocks of the matrix).
rs-index --chunks 3 --item-features "$top/testdata/movies.csv" train.tsv 2> /dev/null > c.rsm
holds c.rsm matrix && rs-index --list c.rsm | grep -q '^chunks'
ok $? "rs-index --chunks writes exactly a matrix, with its chunk blocks"
# Every kind of the page is written by some model here.
missing=""
for k in $(cut -d' ' -f1 kinds | sort -u); do
    [ "$k" = matrix ] || cut -d' ' -f2 models | grep -qx "$k" || missing="$missing $k"
done
[ -z "$missing" ]; ok $? "every kind of the page is tested${missing:+ (not:$missing)}"

while read -r name kind cmd; do
    $cmd m.rsm > "$name.rsm" 2> err || cat err | sed 's/^/# /'
    holds "$name.rsm" "$kind"; ok $? "$name on the matrix holds exactly a $kind"
done < models

# Each model on every model's output: the kind's blocks and meta only, and
# the same bytes as from the matrix (nothing of the earlier model rides along).
while read -r name kind cmd; do
    bad=""
    while read -r prev _; do
        $cmd "$prev.rsm" > over.rsm 2> err || { bad="$bad $prev(failed: $(head -1 err))"; continue; }
        holds over.rsm "$kind" || bad="$bad $prev(blocks)"
        cmp -s over.rsm "$name.rsm" || bad="$bad $prev(bytes)"
    done < models
    [ -z "$bad" ] || echo "# $name over:$bad"
    [ -z "$bad" ]; ok $? "$name over each model: exactly a $kind, as from the matrix"
done < models

# Every model program takes a chunked matrix: exactly its kind, and the same
# lists as from the plain matrix.
bad=""
while read -r name kind cmd; do
    $cmd c.rsm > cm.rsm 2> err || { bad="$bad $name(failed: $(head -1 err))"; continue; }
    holds cm.rsm "$kind" || bad="$bad $name(blocks)"
    rs-recommend -n 3 "$name.rsm" > a.tsv 2>&1 && rs-recommend -n 3 cm.rsm > b.tsv 2>&1 \
        && cmp -s a.tsv b.tsv || bad="$bad $name(lists)"
done < models
[ -z "$bad" ] || echo "# chunked:$bad"
[ -z "$bad" ]; ok $? "every model on a chunked matrix: exactly its kind, the same lists"
