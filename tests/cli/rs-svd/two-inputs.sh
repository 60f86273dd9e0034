rs-svd a.rsm b.rsm > out.rsm
