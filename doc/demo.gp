# made by rs-plot: gnuplot this file to draw it again
set terminal svg size 900,480 dynamic enhanced font "sans,11" background rgb "white"
set output "doc/demo.svg"
set datafile separator "\t"
set datafile missing "nan"
set grid lc rgb "#dddddd"
set key outside right top
set border 3
set tics nomirror
set title "Every model of make demo on testdata/ (top-20 lists)"
set xlabel "k"
set ylabel "NDCG\\@K"
$s0 << EOD
1	0.028333
5	0.031032
10	0.047085
20	0.065730
EOD
$s1 << EOD
1	0.126667
5	0.108917
10	0.145077
20	0.184292
EOD
$s2 << EOD
1	0.151667
5	0.109675
10	0.143130
20	0.179040
EOD
$s3 << EOD
1	0.113333
5	0.095457
10	0.130568
20	0.163325
EOD
$s4 << EOD
1	0.133333
5	0.115668
10	0.150908
20	0.190779
EOD
$s5 << EOD
1	0.126667
5	0.095957
10	0.128949
20	0.159409
EOD
$s6 << EOD
1	0.138333
5	0.111135
10	0.145991
20	0.181654
EOD
$s7 << EOD
1	0.068333
5	0.048622
10	0.060502
20	0.071596
EOD
plot $s0 using 1:2 with linespoints lw 2 pt 7 ps 0.6 title "most popular (rs-recommend --popular)", \
     $s1 using 1:2 with linespoints lw 2 pt 7 ps 0.6 title "rs-svd -k 20", \
     $s2 using 1:2 with linespoints lw 2 pt 7 ps 0.6 title "rs-svd -a als -k 32", \
     $s3 using 1:2 with linespoints lw 2 pt 7 ps 0.6 title "rs-svd -a bpr -k 32", \
     $s4 using 1:2 with linespoints lw 2 pt 7 ps 0.6 title "rs-knn --users -k 20", \
     $s5 using 1:2 with linespoints lw 2 pt 7 ps 0.6 title "rs-knn --items -k 50", \
     $s6 using 1:2 with linespoints lw 2 pt 7 ps 0.6 title "rs-knn --items -k 50 --weight bm25", \
     $s7 using 1:2 with linespoints lw 2 pt 7 ps 0.6 title "rs-w2v --sg --epochs 20"
