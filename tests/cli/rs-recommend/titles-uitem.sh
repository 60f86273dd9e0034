# ml-100k u.item is '|'-separated Latin-1: titles come out as UTF-8.
printf 'u1\t1\nu2\t2\n' | rs-index > m.rsm
printf '1|Mis\351rables, Les (1995)|01-Jan-1995||http://x|0|1\n2|Toy Story (1995)|01-Jan-1995||http://y|0|1\n' > u.item
rs-recommend --items u.item m.rsm
