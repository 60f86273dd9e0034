# Neither --users nor --items: a usage error before reading anything.
rs-knn -k 5 < /dev/null
