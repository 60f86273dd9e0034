# Repeated (user, item) pairs: (1,a) is rated 3 at 100, 5 at 90, 4 at 200.
# The merged row stays where the pair first occurred.
printf 'u,i,r,t\n1,a,3,100\n1,b,4,50\n1,a,5,90\n2,a,2,10\n1,a,4,200\n' > d.csv
for m in avg first last min max none; do
    echo "== $m"
    rs-filter --dedup $m d.csv
done
echo "== default"
rs-filter d.csv
