# Rows not grouped by user come back grouped: users in first-seen order,
# each user's interactions in input order (item2vec needs the sequences).
printf 'b\tz\t1\t30\na\ty\t2\t10\nb\tx\t3\t20\nc\tz\t4\t5\na\tz\t5\t1\nb\ty\t1\t40\n' | rs-index | rs-index -d
