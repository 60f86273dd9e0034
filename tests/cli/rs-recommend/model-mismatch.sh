# Asking a model for what it cannot do is a usage error, with the --help hint.
printf 'u1\ti1\nu1\ti2\nu2\ti2\n' | rs-index > m.rsm
rs-recommend -m m.rsm --similar i1
