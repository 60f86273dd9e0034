# Quoted fields: commas, doubled quotes, a line break in a title; columns by name.
cat > wide.csv <<'CSV'
movieId,title,userId,stars,when
1,"Toy Story, The (1995)",u1,4,100
2,"Heat ""1995""",u2,3,200
3,"Two
lines",u3,5,300
4,plain,u4,2,400
CSV
rs-filter --columns userId,movieId,stars,when wide.csv
