printf '1\t10\t4\n1\t11\t4\t100\n' | rs-filter
