printf 'u\t1\ta\t1\n' | rs-eval
