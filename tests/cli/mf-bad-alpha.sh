# A negative confidence weight is refused.
rs-svd -a als --alpha -1 < /dev/null
