# One row per model: NAME=RECS names it, --models names it by its file;
# plain files without either stay one model's lists (today's meaning).
# A: u1 a x, u2 a c, u3 x a; B: u1 b x, u2 x, u3 a.  Against {a, b}, {c},
# {a}: ndcg@1 A = 1/3, B = 2/3 (best); per user A - B = 0, -1, 0... and the
# difference of the means, -1/3, is the paired column (no resampling).
printf 'u1\t1\ta\t0.9\nu1\t2\tx\t0.8\nu2\t1\ta\t0.9\nu2\t2\tc\t0.8\nu3\t1\tx\t0.9\nu3\t2\ta\t0.8\n' > a.tsv
printf 'u1\t1\tb\t1\nu1\t2\tx\t1\nu2\t1\tx\t1\nu3\t1\ta\t1\n' > b.tsv
printf 'u1\ta\nu1\tb\nu2\tc\nu3\ta\n' > test.tsv
rs-eval -t test.tsv -k 1,2 --format table --resamples 0 A=a.tsv B=b.tsv 2>/dev/null
rs-eval -t test.tsv -k 1 --format tsv --reference a --resamples 0 --models a.tsv b.tsv 2>/dev/null
echo "-- the paired interval (1000 resamples, seed 1)"
rs-eval -t test.tsv -k 2 --format table A=a.tsv B=b.tsv 2>/dev/null
echo "-- plain files: one model's lists, here A's in two parts (same figures as A)"
head -n 2 a.tsv > a-u1.tsv
tail -n +3 a.tsv > a-rest.tsv
rs-eval -t test.tsv -k 1 --format tsv a-u1.tsv a-rest.tsv 2>/dev/null
