#!/bin/sh
# gen.sh: the bash and zsh completions of the rs programs, made from what
# each program's --help says, so the two can never disagree.
#
#   gen.sh opts BIN/rs-svd > rs-svd.opts      one program's option table
#   gen.sh bash rs-*.opts > rs.bash           bash completion of them all
#   gen.sh zsh rs-*.opts > _rs                zsh completion of them all
#
# The option table: every line of --help of the form
#   "  -x, --long ARG  description" or "      --long ARG  description"
# (ARG, separated by one space, is the argument; "--long[=ARG]" an optional
# one; "--a, --b" two names of one option; description lines that follow,
# indented further, continue it).  A .opts line is
#   short<TAB>longs<TAB>arg<TAB>kind<TAB>ARG<TAB>choices<TAB>description
# with arg "" (none), "=" (required) or "?" (optional), kind:
#   file    ARG is FILE (or ends in FILE): complete file names;
#   choice  the choices are the words of the option's --help description
#           (and of ARG itself, as in "--by time|order") that the program
#           accepts as the option's value: each is tried as
#           "PROG --long WORD --help", which exits 0 only when WORD passes
#           the option's check, made as the options are read;
#   value   any other argument (a number, an id): nothing to complete.
# An option whose check accepts anything (an id, a block name) has no
# choices; one that takes "1" is a number, whose choices can only be the
# words of ARG ("--cbow-mean 0|1").  The description is the start of
# --help's, to show beside the option (zsh).
set -u
mode=${1:?usage: gen.sh opts PROG | bash OPTS... | zsh OPTS...}
shift

opts() {
    prog=$1
    OPENBLAS_NUM_THREADS=1; export OPENBLAS_NUM_THREADS
    case $prog in *"'"*) echo "gen.sh: a quote in '$prog'" >&2; exit 2 ;; esac
    "$prog" --help | awk -v prog="$prog" '
        # "PROG --long WORD --help" exits 0: WORD passes --long'"'"'s check.
        # (Words are [a-z0-9_-]: nothing to quote.)
        function accepts(long, word) {
            return system("'"'"'" prog "'"'"' " long " " word " --help </dev/null >/dev/null 2>&1") == 0
        }
        # The description to show: to the first "; " or ". ", at most
        # about 70 characters, cut between words.
        function brief(d,   i) {
            if ((i = index(d, "; ")) > 0) d = substr(d, 1, i - 1)
            if ((i = index(d, ". ")) > 0) d = substr(d, 1, i - 1)
            if (length(d) > 70) { d = substr(d, 1, 67); sub(/ [^ ]*$/, "", d); d = d "..." }
            return d
        }
        function flush() {
            if (longs != "" && !(longs in seen)) { seen[longs] = ++n; S[n] = short; L[n] = longs
                A[n] = arg; P[n] = ph; F[n] = brief(all) }
            if (longs != "") D[seen[longs]] = D[seen[longs]] " " all
            longs = ""
        }
        # An option line: 2 spaces and "-x, --long", or 6 and "--long".
        /^  -[A-Za-z0-9], --[a-z0-9]/ || /^      --[a-z0-9]/ {
            flush()
            line = $0; sub(/^ +/, "", line)
            short = ""
            if (line ~ /^-[A-Za-z0-9], /) { short = substr(line, 1, 2); line = substr(line, 5) }
            while (match(line, /^--[a-z0-9][a-z0-9-]*/)) {
                longs = longs (longs == "" ? "" : " ") substr(line, 1, RLENGTH)
                line = substr(line, RLENGTH + 1)
                if (line ~ /^, --/) line = substr(line, 3); else break
            }
            arg = ""; ph = ""
            if (match(line, /^\[=[^]]+\]/)) {
                arg = "?"; ph = substr(line, 3, RLENGTH - 3); line = substr(line, RLENGTH + 1)
            } else if (match(line, /^ [^ ]+/)) {
                arg = "="; ph = substr(line, 2, RLENGTH - 1); line = substr(line, RLENGTH + 1)
            }
            sub(/^ +/, "", line)
            all = line
            next
        }
        # A description line that goes on: indented past the options.
        longs != "" && /^          +[^ ]/ {
            line = $0; sub(/^ +/, "", line)
            all = all " " line
            next
        }
        { flush() }
        END {
            flush()
            for (k = 1; k <= n; k++) {
                kind = ""; choices = ""
                long = L[k]; sub(/ .*/, "", long)
                if (A[k] == "=" && P[k] ~ /FILE$/) kind = "file"
                else if (A[k] == "=") {
                    kind = "value"
                    if (!accepts(long, "rs-no-such-value")) {
                        # The words of ARG, then (unless a number) of the description.
                        words = P[k]; gsub(/\|/, " ", words)
                        if (!accepts(long, 1)) words = words " " D[k]
                        gsub(/[^a-z0-9_-]+/, " ", words)
                        nw = split(words, w, " ")
                        split("", tried)
                        for (j = 1; j <= nw; j++) {
                            if (w[j] in tried || w[j] !~ /^[a-z0-9][a-z0-9_-]*$/) continue
                            tried[w[j]] = 1
                            if (w[j] ~ /^[0-9]/ && index("|" P[k] "|", "|" w[j] "|") == 0) continue
                            if (accepts(long, w[j])) choices = choices (choices == "" ? "" : " ") w[j]
                        }
                        if (choices != "") kind = "choice"
                    }
                }
                printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", S[k], L[k], A[k], kind, P[k], choices, F[k]
            }
        }'
}

bash_completion() {
    progs=$(for f in "$@"; do basename "$f" .opts; done | tr '\n' ' ')
    cat <<EOF
# bash completion for the rs programs: ${progs% }
# Made by completion/gen.sh from each program's --help; do not edit.

# _rs_arg PROG OPTION: the argument OPTION takes (_rs_kind: choice, file or
# value, and _rs_choices); fails for an option that takes none.
_rs_arg()
{
    _rs_choices=
    case "\$1 \$2" in
EOF
    for f in "$@"; do
        awk -F '\t' -v p="$(basename "$f" .opts)" '$3 == "=" {
            n = split(($1 != "" ? $1 " " : "") $2, w, " "); pat = ""
            for (k = 1; k <= n; k++) pat = pat (k > 1 ? "|" : "") "\"" p " " w[k] "\""
            printf "    %s) _rs_kind=%s", pat, $4
            if ($4 == "choice") printf " _rs_choices=\"%s\"", $6
            print " ;;"
        }' "$f"
    done
    cat <<'EOF'
    *) return 1 ;;
    esac
}

# _rs_opts PROG: every option PROG's --help names.
_rs_opts()
{
    case $1 in
EOF
    for f in "$@"; do
        printf '    %s) echo "%s" ;;\n' "$(basename "$f" .opts)" \
            "$(awk -F '\t' '{ printf("%s%s%s", (NR > 1 ? " " : ""), ($1 != "" ? $1 " " : ""), $2) }' "$f")"
    done
    cat <<'EOF'
    esac
}

_rs_files()
{
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$1"))
}

_rs()
{
    local prog=${1##*/} cur=${COMP_WORDS[COMP_CWORD]} prev= opt= pre= k
    COMPREPLY=()
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # After "--" every word is a file.
    for ((k = 1; k < COMP_CWORD; k++)); do
        [[ ${COMP_WORDS[k]} == -- ]] && { _rs_files "$cur"; return 0; }
    done
    if [[ $cur == = ]]; then                   # --opt=<TAB>, '=' a word break
        opt=$prev cur=
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        opt=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then             # '=' not a word break
        opt=${cur%%=*} pre=$opt= cur=${cur#*=}
    elif _rs_arg "$prog" "$prev"; then
        opt=$prev
    fi
    if [[ -n $opt ]]; then
        _rs_arg "$prog" "$opt" || return 0
        case $_rs_kind in
        choice) COMPREPLY=($(compgen -W "$_rs_choices" -- "$cur")) ;;
        file) _rs_files "$cur" ;;
        esac
        [[ -n $pre ]] && COMPREPLY=("${COMPREPLY[@]/#/$pre}")
        return 0
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_rs_opts "$prog")" -- "$cur"))
        return 0
    fi
    _rs_files "$cur"
}

EOF
    echo "complete -F _rs ${progs% }"
}

zsh_completion() {
    progs=$(for f in "$@"; do basename "$f" .opts; done | tr '\n' ' ')
    cat <<EOF
#compdef ${progs% }
# zsh completion for the rs programs.
# Made by completion/gen.sh from each program's --help; do not edit.

case \$service in
EOF
    for f in "$@"; do
        echo "$(basename "$f" .opts))"
        echo "    _arguments -s -S \\"
        awk -F '\t' -v sq="'" '
            # Quoted for a spec inside single quotes: \ [ ] : escaped for
            # _arguments, a quote closed and reopened.
            function q(s) {
                gsub(/\\/, "\\\\", s); gsub(/\[/, "\\[", s); gsub(/\]/, "\\]", s); gsub(/:/, "\\:", s)
                gsub(sq, sq "\\" sq sq, s)
                return s
            }
            {
                desc = $7; sub(/[,;:.]? *$/, "", desc)
                n = split(($1 != "" ? $1 " " : "") $2, w, " ")
                names = ""
                for (k = 1; k <= n; k++) {
                    nm = w[k]
                    if ($3 == "=") nm = nm (nm ~ /^--/ ? "=" : "+")
                    if ($3 == "?") nm = nm (nm ~ /^--/ ? "=-" : "-")
                    names = names (k > 1 ? "," : "") nm
                }
                # Two names of one option: once one is given, neither is offered.
                spec = n > 1 ? sq "(" ($1 != "" ? $1 " " : "") $2 ")" sq "{" names "}" : names
                action = ""
                if ($3 != "") {
                    act = $4 == "file" ? "_files" : $4 == "choice" ? "(" $6 ")" : " "
                    action = ($3 == "?" ? "::" : ":") q($5) ":" act
                }
                printf "        %s%s[%s]%s%s \\\n", spec, sq, q(desc), action, sq
            }' "$f"
        echo "        '*:file:_files'"
        echo "    ;;"
    done
    echo "esac"
}

case $mode in
opts) opts "$1" ;;
bash) bash_completion "$@" ;;
zsh) zsh_completion "$@" ;;
*) echo "gen.sh: unknown mode '$mode'" >&2; exit 2 ;;
esac
