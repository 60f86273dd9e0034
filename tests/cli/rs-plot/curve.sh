# rs-svd --curve, drawn: the default y is every numeric column but x.
rs-filter "$TESTDATA/ratings.csv" | rs-split --folds 5 --fold 1 -t valid.tsv | rs-index > train.rsm
rs-svd -a funk -k 4 --epochs 5 -j 1 --validate valid.tsv --curve c.tsv train.rsm > m.rsm
rs-plot -x epoch -y train_rmse,valid_rmse -o c.svg c.tsv
grep -c '^[0-9]' c.gp
grep -o 'title "[a-z\\_]*"' c.gp
