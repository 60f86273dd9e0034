rs-search --help | head -1
rs-search --version | grep -c rs-search
