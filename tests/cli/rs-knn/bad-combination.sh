# Jaccard sees sets: a weighting means nothing to it.
rs-knn --items --weight tfidf --sim jaccard < /dev/null
