printf 'a\t1\n' | rs-split --last 1
