# A diagonal matrix: the singular values are its entries, U and V pick them.
printf 'a\tx\t3\nb\ty\t2\nc\tz\t1\n' | rs-index | rs-svd -k 3 > m.rsm
rs-index --block sigma m.rsm
# U sqrt(S): user a is sqrt(3) on factor 1 and nothing else.
rs-index --block user_factors m.rsm | awk '{ printf "%s %.6f %.6f %.6f\n", $1, $2 + 0, $3 + 0, $4 + 0 }' | sed 's/-0\.000000/0.000000/g'
rs-index --list m.rsm | sed -n '/^#meta/,$p'
