# The same for -m FILE, naming the file.
printf 'u1\ti1\n' > ratings.tsv
rs-recommend -m ratings.tsv
