# Numbered columns without a header; an empty entry leaves the rating out.
printf '5,1,x,u7,3,100\n6,2,y,u8,4,200\n' > a.csv
rs-filter --columns 4,1 a.csv
rs-filter -c 4,1,5 a.csv
rs-filter -c 4,2,,6 a.csv
