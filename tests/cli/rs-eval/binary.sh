printf 'u\ta\n' > test.tsv
printf '\211RSB\r\n\032\n\0\0\0\0\0\0\0\0' | rs-eval -t test.tsv
