# The SQL semantics, worked by hand:
#   rating >= 2 drops (u3,b,1).  On the 9 rows left, COUNT(*) per item:
#   a 4 (u1 twice), b 2, c 2, d 1 -> only a has >= 3.  Per user: u1 3 (the
#   repeated pair counts twice), u2 2, u3 3, u4 1 -> u1,u2,u3 are within 2..3.
#   u3 keeps 3, not 1: both counts are taken before either filter.  Then the
#   join keeps item a of u1,u2,u3, and GROUP BY averages u1's two ratings of
#   a (5 and 3 -> 4) at the later time (12).
cat > r.csv <<'CSV'
userId,movieId,rating,timestamp
u1,a,5,10
u1,b,4,11
u1,a,3,12
u2,a,4,13
u2,c,2,14
u3,a,5,15
u3,b,1,16
u3,c,4,17
u3,d,5,18
u4,b,5,19
CSV
rs-filter --min-rating 2 --min-item-users 3 --min-user-items 2 --max-user-items 3 r.csv
echo ---
# Counting u1's repeat matters: at most 2 rows per user drops u1 and u3.
rs-filter --min-rating 2 --min-item-users 3 --min-user-items 2 --max-user-items 2 r.csv
