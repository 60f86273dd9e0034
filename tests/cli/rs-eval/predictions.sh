# Rating prediction, worked example of man rs-eval:
#   p1: a true 5 pred 3.5, b true 3 pred 4.5, c true 4 pred 4
#   p2: d true 2 pred 3,   e true 4 pred 2.5 (and g, not in the test set)
#   p3: f true 3, no prediction; p9 is not in the test set at all.
# Errors -1.5 1.5 0 1 -1.5: RMSE = sqrt(7.75/5) = 1.244990, MAE = 5.5/5 = 1.1.
# NDCG (gain = true rating, discount max(1, log2 rank), LensKit's):
#   p1 ranked b c a: 3 + 4 + 5/log2(3) = 10.154649, ideal 5 4 3 = 10.892789 -> 0.932236
#   p2 ranked d e: 2 + 4 = 6, ideal 4 2 = 6 -> 1
#   p3 nothing ranked: 0
#   mean (0.932236 + 1 + 0)/3 = 0.644079
printf 'p1\ta\t5\np1\tb\t3\np1\tc\t4\np2\td\t2\np2\te\t4\np3\tf\t3\n' > test.tsv
printf 'p1\ta\t3.5\np1\tb\t4.5\np1\tc\t4\np2\td\t3\np2\te\t2.5\np2\tg\t1\np9\ta\t3\n' > pred.tsv
rs-eval --predictions pred.tsv -t test.tsv
rs-eval --predictions - -t test.tsv --json < pred.tsv
