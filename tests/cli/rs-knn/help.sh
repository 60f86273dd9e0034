# --help goes to stdout with exit 0 and names both kinds.
rs-knn --help > help.txt
grep -q -- '--users' help.txt && grep -q -- '--items' help.txt && grep -q -- '--neighbors' help.txt
