# Negative regularization is refused before any work.
rs-svd -a funk --reg -0.1 < /dev/null
