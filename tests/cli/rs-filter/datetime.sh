# The Kaggle copy of ml-20m: date-time timestamps, read as UTC.
cat > rating.csv <<'CSV'
userId,movieId,rating,timestamp
1,2,3.5,2005-04-02 23:53:47
1,29,3.5,1970-01-01 00:00:00
2,3,4.0,1969-12-31 23:59:59
2,5,1.0,2000-02-29 12:00:00
3,7,2.0,2015-03-31T06:40:02Z
CSV
rs-filter rating.csv
