# Two inputs cannot both be standard input: the second would read nothing.
printf 'u\t1\ta\t1\n' | rs-eval -t -
