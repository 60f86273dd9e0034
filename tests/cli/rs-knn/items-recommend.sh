# Item model, ratings as values (as implicit): item columns
# i1 = (5,4,0), i2 = (3,0,1), i3 = (0,2,4) over u1..u3, so
# cos(i1,i2) = 15/sqrt(410), cos(i1,i3) = 8/sqrt(820), cos(i2,i3) = 4/sqrt(200);
# u1 (i1 5, i2 3) -> i3: 5*0.279372 + 3*0.282843 = 2.24539, and so on.
printf 'u1\ti1\t5\nu1\ti2\t3\nu2\ti1\t4\nu2\ti3\t2\nu3\ti2\t1\nu3\ti3\t4\n' > r.tsv
rs-index r.tsv | rs-knn --items -k 2 | rs-recommend -n 3
