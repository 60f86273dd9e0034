rs-svd --help | grep -q '^Usage: rs-svd'
rs-svd --help | grep -q -- '--center MODE'
rs-svd --help | grep -q -- '--block B'
rs-svd --version | grep -q '^rs-svd '
