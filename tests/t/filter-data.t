#!/bin/sh
# rs-filter on the real MovieLens files at ../shared/data: row counts, the
# same rows in every dialect (ratings.csv, u.data, '::' ratings.dat, Kaggle
# date-times made from the same data), and the SQL semantics and k-core
# against independent Python/SQLite implementations.
top=${RS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${RS_BIN:-$top/build/bin}
data=$top/../shared/data
small=$data/ml-latest-small/ratings.csv.zst
udata=$data/ml-100k/u.data.zst
if [ ! -f "$small" ] || [ ! -f "$udata" ]; then echo "1..0 # SKIP no MovieLens data at ../shared/data"; exit 0; fi
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
if [ -z "$py" ]; then echo "1..0 # SKIP no python3"; exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
PATH=$bin:$PATH
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

echo "1..8"
zstd -dcq "$small" > ratings.csv
zstd -dcq "$udata" > u.data

lines=$(rs-filter < ratings.csv | wc -l)
[ "$lines" -eq 100836 ]; ok $? "ml-latest-small ratings.csv from stdin: 100836 rows ($lines)"

rs-filter "$udata" > u.tsv && cmp -s u.tsv u.data; ok $? "ml-100k u.data.zst: the same 100000 rows back"

"$py" - <<'EOF'
import csv, datetime
rows = list(csv.reader(open('ratings.csv')))[1:]
fmt = lambda r: ('%g' % float(r))
with open('want.tsv', 'w') as f:
    f.writelines('%s\t%s\t%s\t%s\n' % (u, i, fmt(r), t) for u, i, r, t in rows)
with open('kaggle.csv', 'w') as f:    # the Kaggle ml-20m style: date-times in UTC
    f.write('userId,movieId,rating,timestamp\n')
    for u, i, r, t in rows:
        d = datetime.datetime.fromtimestamp(int(t), datetime.timezone.utc)
        f.write('%s,%s,%s,%s\n' % (u, i, r, d.strftime('%Y-%m-%d %H:%M:%S')))
with open('ratings.dat', 'w') as f:
    f.writelines('%s::%s::%s::%s\n' % (u, i, r, t) for u, i, r, t in rows)
EOF
rs-filter "$small" > got.tsv && cmp -s got.tsv want.tsv; ok $? "ratings.csv.zst: every row as Python's csv module reads it"
rs-filter kaggle.csv > kaggle.tsv && cmp -s kaggle.tsv want.tsv; ok $? "Kaggle date-times convert back to the same Unix seconds"
rs-filter ratings.dat > dat.tsv && cmp -s dat.tsv want.tsv; ok $? "'::' ratings.dat: the same rows"

# The reference notebook's query in SQLite, against rs-filter.
args="--min-rating 3 --min-item-users 20 --min-user-items 30 --max-user-items 400"
rs-filter $args ratings.csv | sort > got-sql.tsv
"$py" - <<'EOF' | sort > want-sql.tsv
import csv, sqlite3
db = sqlite3.connect(':memory:')
db.execute('CREATE TABLE raw (userId TEXT, movieId TEXT, rating REAL, timestamp INTEGER)')
db.executemany('INSERT INTO raw VALUES (?,?,?,?)', list(csv.reader(open('ratings.csv')))[1:])
db.execute('CREATE VIEW ratings AS SELECT * FROM raw WHERE rating >= 3')
q = '''SELECT userId, movieId, AVG(rating), MAX(timestamp) FROM ratings
JOIN (SELECT movieId FROM ratings GROUP BY movieId HAVING COUNT(*) >= 20) USING (movieId)
JOIN (SELECT userId FROM ratings GROUP BY userId HAVING COUNT(*) BETWEEN 30 AND 400) USING (userId)
GROUP BY userId, movieId'''
for u, i, r, t in db.execute(q):
    print('%s\t%s\t%g\t%d' % (u, i, r, t))
EOF
[ -s want-sql.tsv ] && cmp -s got-sql.tsv want-sql.tsv; ok $? "the SQL query in SQLite gives the same rows ($(wc -l < want-sql.tsv))"

# Repeated pairs: ml-latest-small has none, so make some and average them.
head -n 2001 ratings.csv > dup.csv
tail -n +2 ratings.csv | head -n 1000 | awk -F, '{ printf "%s,%s,%s,%s\n", $1, $2, 5 - $3 + 0.5, $4 + 1 }' >> dup.csv
"$py" - <<'EOF' > want-dup.tsv
import csv, collections
g = collections.OrderedDict()
for u, i, r, t in list(csv.reader(open('dup.csv')))[1:]:
    s = g.setdefault((u, i), [0.0, 0, 0])
    s[0] += float(r); s[1] += 1; s[2] = max(s[2], int(t))
for (u, i), (r, c, t) in g.items():
    print('%s\t%s\t%g\t%d' % (u, i, r / c, t))
EOF
rs-filter dup.csv > got-dup.tsv && cmp -s got-dup.tsv want-dup.tsv; ok $? "--dedup avg: mean rating, latest time, first position"

rs-filter --core 20 ratings.csv | sort > got-core.tsv
"$py" - <<'EOF' | sort > want-core.tsv
import csv, collections
rows = list(csv.reader(open('ratings.csv')))[1:]
while True:
    uc = collections.Counter(r[0] for r in rows); ic = collections.Counter(r[1] for r in rows)
    kept = [r for r in rows if uc[r[0]] >= 20 and ic[r[1]] >= 20]
    if len(kept) == len(rows): break
    rows = kept
for u, i, r, t in rows:
    print('%s\t%s\t%g\t%s' % (u, i, float(r), t))
EOF
[ -s want-core.tsv ] && cmp -s got-core.tsv want-core.tsv; ok $? "--core 20 matches an iterative Python k-core ($(wc -l < want-core.tsv) rows)"
