# A popularity model has no item similarity: a usage error before any work.
printf 'u1\ti1\n' | rs-index > m.rsm
rs-recommend -m m.rsm --similar i1
