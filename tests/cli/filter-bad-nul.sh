printf '1,2,3\n4,5\000,6\n' | rs-filter
