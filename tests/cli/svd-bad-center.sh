rs-svd --center median < /dev/null > out.rsm
