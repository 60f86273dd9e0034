# --items movies.csv: quoted titles with commas stay one field; items
# without a title get an empty one.
printf 'u1\t1\nu2\t2\nu2\t3\nu3\t3\n' | rs-index > m.rsm
printf 'movieId,title,genres\n1,"American President, The (1995)",Comedy|Drama|Romance\n2,Heat (1995),Action\n' > movies.csv
rs-recommend -n 3 --items movies.csv m.rsm
rs-recommend -n 1 --items movies.csv -f jsonl -u u3 m.rsm
