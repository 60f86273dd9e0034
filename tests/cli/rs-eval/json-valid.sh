# Every JSON report parses, and ids that are not UTF-8 (a Latin-1 user id,
# a truncated sequence, a control character) come out as valid JSON: the
# bad bytes as U+FFFD, the control character escaped.
printf 'caf\351\ta\nx\342\202\ta\nt\001ab\ta\n' > test.tsv
printf 'caf\351\t1\ta\t1\nx\342\202\t1\tb\t1\nt\001ab\t1\ta\t1\n' > recs.tsv
printf 'caf\351\ta\t4\n' > pred.tsv
rs-eval -t test.tsv -k 1,2 --json recs.tsv 2>/dev/null > summary.json
rs-eval -t test.tsv -k 1,2 --json --per-user recs.tsv > per-user.jsonl
printf 'caf\351\ta\t4\nx\342\202\ta\t3\n' > rated.tsv
rs-eval --predictions pred.tsv -t rated.tsv --json 2>/dev/null > rated.json
/usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' < summary.json
/usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' < rated.json
/usr/bin/python3 -c '
import json, sys
for line in sys.stdin.buffer:
    line.decode("utf-8")                        # strict: raises on invalid UTF-8
    r = json.loads(line)
    print(r["user"].encode("unicode_escape").decode(), r["k"], r["hitrate"])
' < per-user.jsonl
grep -c 'ufffd' per-user.jsonl
