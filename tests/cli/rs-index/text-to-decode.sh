# Text where binary is expected: a hint instead of "bad magic".
printf 'u1\ti1\t4\t100\n' | rs-index --decode
