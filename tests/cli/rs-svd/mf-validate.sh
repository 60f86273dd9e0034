# --validate FILE: train and validation RMSE after each epoch, on stderr.
rs-filter "$TESTDATA/ratings.csv" | rs-split --last 5 -t test.tsv | rs-index > train.rsm
rs-svd -a funk -k 8 --epochs 3 --validate test.tsv train.rsm > /dev/null
