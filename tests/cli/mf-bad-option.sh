# An option of another algorithm is refused, not ignored.
rs-svd -a als --power 3 < /dev/null
