# ml-100k u.data: TAB separated, no header, on stdin.
printf '196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n' | rs-filter
