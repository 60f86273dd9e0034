# --score belongs to user models.
rs-knn --items --score count < /dev/null
