printf 'u,i,r,t\n1,10,1e999,100\n' > r.csv
rs-filter r.csv
