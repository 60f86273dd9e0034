rs-svd --help | grep -q '^Usage: rs-svd'
rs-svd --help | grep -q -- '--center MODE'
rs-svd --help | grep -q -- '--oversample P'
rs-svd --version | grep -q '^rs-svd '
