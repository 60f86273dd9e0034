rs-svd -a als --solver lu < /dev/null
