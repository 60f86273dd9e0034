# A learning rate must be positive.
rs-svd -a bpr --lr 0 < /dev/null
