rs-filter --help | head -n 1
rs-filter --help | grep -c -e '--min-item-users'
