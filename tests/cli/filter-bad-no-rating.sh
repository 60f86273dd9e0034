printf 'u\ti\n1\t2\n' | rs-filter --min-rating 3
