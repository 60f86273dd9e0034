# rs-eval opens -t only after its standard input has ended: here the test file
# is written by the producer of stdin just before it closes the pipe, as
# rs-split -t does in the pipeline of the README.
rm -f test.tsv
{ printf 'u\t1\ti\t0.5\n'; sleep 0.2; printf 'u\ti\n' > test.tsv; } | rs-eval -t test.tsv -k 1
