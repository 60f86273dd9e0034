# The message names the option and its range.
printf 'u1\ti1\nu1\ti2\n' | rs-w2v --window 0
