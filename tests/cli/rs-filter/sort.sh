# --sort: integer user ids by value, then other ids bytewise; within a user
# by timestamp, ties in input order.  Default: input order.
printf '10\tx\t1\t5\nb\tx\t1\t1\n9\ty\t2\t7\n9\tx\t3\t3\n10\tz\t4\t5\na\tq\t5\t9\n10\tw\t2\t1\n' > s.tsv
rs-filter --sort s.tsv
