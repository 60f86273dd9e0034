# --iterations is ALS's and BPR's; FunkSVD counts --epochs.
rs-svd -a funk --iterations 3 < /dev/null
