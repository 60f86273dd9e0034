# --recency TAU,A: each value becomes 1 + A exp(-age / TAU), age 0 for the
# user's latest by time (equal times, and no times at all: the later row);
# 1 + 3 exp(-1/5) = 3.4561923 as a float, 1 + 3 exp(-2/5) = 3.01096.
printf 'u\ta\t5\t10\nu\tb\t3\t30\nu\tc\t4\t20\nv\ta\t1\t5\nv\tb\t1\t5\n' | rs-index --recency 5,3 > m.rsm
rs-index --decode m.rsm
rs-index --list m.rsm | grep -x 'recency=5,3'
printf 'u\ta\nu\tb\n' | rs-index --recency 5,3 | rs-index --decode
