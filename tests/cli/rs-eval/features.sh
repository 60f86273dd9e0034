# --features reads MovieLens movies.csv (quoted titles with commas, "(no
# genres listed)"), movies.dat, ml-100k u.item (19 genre flags, Latin-1)
# and item<TAB>attribute lines: the same three items give the same figures.
printf 'movieId,title,genres\n1,"Toy Story, The (1995)",Animation|Comedy\n2,Heat (1995),Action|Crime\n3,"Odd, ""quoted"" (2000)",(no genres listed)\n' > movies.csv
printf '1::Toy Story (1995)::Animation|Comedy\n2::Heat (1995)::Action|Crime\n3::Odd (2000)::\n' > movies.dat
printf '1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n2|Heat (1995)|01-Jan-1995||http://x|0|1|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0\n3|Caf\351 (2000)|01-Jan-2000||http://x|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n' > u.item
printf '1\tAnimation\n1\tComedy\n2\tAction\n2\tCrime\n' > tags.tsv
printf 'u\t1\t1\t1\nu\t2\t2\t1\nu\t3\t3\t1\nv\t1\t1\t1\nv\t2\t3\t1\n' > recs.tsv
printf 'u\t1\nv\t3\n' > test.tsv
for f in movies.csv movies.dat u.item tags.tsv; do
    rs-eval -t test.tsv -k 3 --features $f --per-user recs.tsv | cut -f1,2,12,13
done
