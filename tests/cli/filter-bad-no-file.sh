rs-filter nonexistent.csv
