# RESP for redis-cli --pipe: DEL then RPUSH of the list, key = prefix + id;
# a user with nothing left to recommend only gets the DEL.
printf 'u1\ti1\nu2\ti1\nu2\ti2\n' | rs-index | rs-recommend -f redis --redis-prefix 'r:' | tr '\r' '~'
