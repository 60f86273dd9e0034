rs-split --help | head -1
rs-split --help | grep -c -e '--last N' -e '--frac F' -e '--users-frac F' -e '--folds K' -e '--fold I' -e '--seed S' -e '--by time|order' -e '-t, --test FILE' -e '-o, --output FILE'
