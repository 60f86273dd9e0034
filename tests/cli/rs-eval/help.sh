rs-eval --help | grep -q '^Usage: rs-eval'
rs-eval --help | grep -q -- '--ap-denominator'
rs-eval --version | grep -q '^rs-eval '
