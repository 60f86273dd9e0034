rs-svd -a pca < /dev/null > out.rsm
