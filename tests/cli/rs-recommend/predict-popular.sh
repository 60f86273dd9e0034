# Popularity does not predict ratings.
printf 'u1\ti1\n' | rs-index > m.rsm
printf 'u1\ti1\n' | rs-recommend --predict -m m.rsm
