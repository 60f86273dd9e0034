#!/bin/sh
# The bash and zsh completions (completion/gen.sh, from each program's
# --help) agree with the programs: every option of the getopt table
# (--list-options) is completed with the same argument, and every option of
# the completion is one of the table; choice options offer the values the
# program's own error message lists; bash, with the completion loaded,
# completes choices (rs-svd -a, rs-knn --weight, --opt=), file names where a
# FILE goes, and options; zsh (when installed) finds it for every program.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${RS_BIN:-$top/build/bin}
build=$(dirname "$bin")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0; fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else fail=$((fail + 1)); echo "not ok $n - $2"; fi; }
progs=$(cd "$top/cmd" && ls rs-*.c | sed 's/\.c$//')
# rs-svd-mpi is built, and completed, only where Open MPI's mpicc is.
[ -x "$bin/rs-svd-mpi" ] && progs="$progs rs-svd-mpi"
# Options a user is not offered (prog:--option), each with its reason.
hidden="rs-w2v:--simd"      # picks the baseline code path for tests; in the man page
# Options whose ARG names a value of a fixed set, yet have no choices.
# Free words: any block of the file, a model's name, a column, ndcg@K.
free="rs-index:--block rs-eval:--reference rs-search:--column rs-svd:--metric rs-w2v:--metric"

# The completion as make builds it, or made here (the test run alone).
comp=$build/completion
if [ ! -f "$comp/rs.bash" ] || [ ! -f "$comp/_rs" ]; then
    comp=$work/completion; mkdir -p "$comp"
    for p in $progs; do sh "$top/completion/gen.sh" opts "$bin/$p" > "$comp/$p.opts"; done
    sh "$top/completion/gen.sh" bash "$comp"/*.opts > "$comp/rs.bash"
    sh "$top/completion/gen.sh" zsh "$comp"/*.opts > "$comp/_rs"
fi

for p in $progs; do
    "$bin/$p" --list-options > "$work/table" 2>/dev/null
    # The table and the completion's options, "--name arg -x" (arg none,
    # required or optional), one a line; aliases and hidden options apart.
    awk -F '\t' -v p="$p" -v hidden=" $hidden " '
        index(hidden, " " p ":" $1 " ") || $4 != "" { next }
        { print $1, $2, $3 }' "$work/table" | sort > "$work/want"
    awk -F '\t' '{ a = $3 == "=" ? "required" : $3 == "?" ? "optional" : "none"
                   n = split($2, w, " "); for (k = 1; k <= n; k++) print w[k], a, $1 }' \
        "$comp/$p.opts" | sort > "$work/got"
    # Each other name (--info for --list) needs to be in the table too.
    awk -F '\t' '{ print $1, $2, $3 }' "$work/table" | sort > "$work/all"
    d=$(comm -23 "$work/want" "$work/got"; comm -13 "$work/all" "$work/got")
    [ -s "$work/want" ] && [ -z "$d" ]
    ok $? "$p: the completion has the options of the getopt table, with their arguments${d:+ (differ: $(echo $d))}"

    # Choices: every option whose ARG is NAME, MODE, ORDER or a word or
    # list of words (time|order) has some; and they are the values the
    # program names when given another.
    bad=
    us=$(printf '\037')    # not white space: empty fields stay fields
    tr '\t' "$us" < "$comp/$p.opts" > "$work/opts"
    while IFS=$us read -r short longs arg kind ph choices desc; do
        long=${longs%% *}
        case " $free " in *" $p:$long "*) continue ;; esac
        case $ph in
        NAME|MODE|ORDER|ALGO|*'|'*|[a-z]*) [ "$kind" = choice ] || bad="$bad $long(no choices)" ;;
        esac
        [ "$kind" = choice ] || continue
        msg=$("$bin/$p" "$long" rs-no-such-value --help 2>&1 >/dev/null)
        listed=$(printf '%s\n' "$msg" | sed -n "s/.*'rs-no-such-value' //p" | tr -c 'a-z0-9_-' '\n' |
                 grep -vxE 'is|not|one|of|or|neither|nor|a|known|format|this|build|knows|unknown|algorithm|' |
                 sort -u | tr '\n' ' ')
        mine=$(printf '%s\n' $choices | sort -u | tr '\n' ' ')
        case $msg in *"invalid integer"*|*"invalid number"*) continue ;; esac
        [ "$listed" = "$mine" ] || bad="$bad $long(offers: $mine; the program names: $listed)"
    done < "$work/opts"
    [ -z "$bad" ]; ok $? "$p: choice options offer the values the program accepts${bad:+:$bad}"
done

# bash: complete WORDS...: what _rs offers for the last word.
cat > "$work/sim.bash" <<'EOF'
. "$1"
cd "$2" || exit 1
complete() {
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
    _rs "$1"
    ((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
complete_p=$(builtin complete -p rs-svd rs-recommend 2>&1 | tr '\n' ' ')
echo "spec|$complete_p"
echo "svd-a|$(complete rs-svd -a '')"
echo "svd-algorithm-b|$(complete rs-svd --algorithm b)"
echo "knn-weight|$(complete rs-knn --users --weight '')"
echo "knn-weight-eq|$(complete rs-knn --weight = '')"
echo "knn-weight-eq-t|$(complete rs-knn --weight = t)"
echo "knn-weight-joined|$(complete rs-knn --weight=b)"
echo "rec-m|$(complete rs-recommend -m '')"
echo "rec-model-m|$(complete rs-recommend --model m)"
echo "rec-opt|$(complete rs-recommend --inc)"
echo "svd-k|$(complete rs-svd -k '')"
echo "eval-format|$(complete rs-eval -t t.tsv --format '')"
echo "index-file|$(complete rs-index -o out.rsm '')"
echo "dashdash|$(complete rs-index -- -)"
EOF
mkdir -p "$work/files/models" && : > "$work/files/model.rsm" && : > "$work/files/train.tsv" \
    && : > "$work/files/-x"
if command -v bash >/dev/null; then
    bash "$work/sim.bash" "$comp/rs.bash" "$work/files" > "$work/sim" 2>&1
    got() { sed -n "s/^$1|//p" "$work/sim"; }
    case $(got spec) in *"-F _rs"*rs-recommend*) r=0 ;; *) r=1 ;; esac
    ok $r "bash: complete -p names _rs for the programs ($(got spec | head -1))"
    [ "$(got svd-a)" = "als bpr funk hybrid svd " ]; ok $? "bash: rs-svd -a <TAB> offers svd funk als bpr hybrid ($(got svd-a))"
    [ "$(got svd-algorithm-b)" = "bpr " ]; ok $? "bash: rs-svd --algorithm b<TAB> gives bpr ($(got svd-algorithm-b))"
    [ "$(got knn-weight)" = "bm25 none tfidf " ]; ok $? "bash: rs-knn --weight <TAB> offers none tfidf bm25 ($(got knn-weight))"
    [ "$(got knn-weight-eq)" = "bm25 none tfidf " ] && [ "$(got knn-weight-eq-t)" = "tfidf " ] \
        && [ "$(got knn-weight-joined)" = "--weight=bm25 " ]
    ok $? "bash: --weight=<TAB> too, '=' a word break or not ($(got knn-weight-eq)/$(got knn-weight-eq-t)/$(got knn-weight-joined))"
    [ "$(got rec-m)" = "-x model.rsm models train.tsv " ] && [ "$(got rec-model-m)" = "model.rsm models " ]
    ok $? "bash: rs-recommend -m <TAB> completes file names ($(got rec-m)/$(got rec-model-m))"
    [ "$(got rec-opt)" = "--include-seen " ]; ok $? "bash: options complete ($(got rec-opt))"
    [ -z "$(got svd-k)" ]; ok $? "bash: a number (rs-svd -k) is not completed ($(got svd-k))"
    [ "$(got eval-format)" = "json markdown table tsv " ]; ok $? "bash: rs-eval --format <TAB> ($(got eval-format))"
    [ "$(got index-file)" = "-x model.rsm models train.tsv " ] && [ "$(got dashdash)" = "-x " ]
    ok $? "bash: operands are files, after -- too ($(got index-file)/$(got dashdash))"
else
    echo "ok $((n + 1)) # SKIP bash is not installed"; n=$((n + 1))
fi

if command -v zsh >/dev/null; then
    mkdir -p "$work/fpath" && cp "$comp/_rs" "$work/fpath/"
    zsh -n "$comp/_rs"; ok $? "zsh: _rs parses"
    out=$(HOME=$work zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -D -d "$2/zcd"
        for p in ${=3}; do print -r -- "$p=$_comps[$p]"; done' zsh "$work/fpath" "$work" "$progs" 2>&1)
    bad=$(printf '%s\n' "$out" | grep -v '=_rs$')
    [ -z "$bad" ]; ok $? "zsh: compinit takes _rs for every program${bad:+ ($(echo $bad))}"
    grep -q "{-a+,--algorithm=}'\[.*\]:NAME:(svd funk als bpr hybrid)'" "$comp/_rs" \
        && grep -q "^        --weight='\[.*\]:NAME:(none tfidf bm25)'" "$comp/_rs" \
        && grep -q "{-m+,--model=}'\[.*\]:FILE:_files'" "$comp/_rs"
    ok $? "zsh: -a, --weight offer their choices, -m files"
else
    echo "ok $((n + 1)) # SKIP zsh is not installed"; n=$((n + 1))
fi
echo "1..$n"
[ "$fail" = 0 ]
